//! A household's fields below its card and village, as the registration form
//! and the household edit form both ask them: the address, the house, and
//! the economy. Each group renders its fields only; the caller frames them.

use std::sync::Arc;

use leptos::prelude::*;
use shared::household::{
    AssetKind, CookingFuel, DrinkingWater, FloorMaterial, IncomeBand, Lighting, RoofMaterial,
    Tenure, ToiletFacility, WallMaterial,
};
use shared::intake::HouseholdDraft;
use shared::programme::ProgrammeKind;

use crate::components::form::{
    CheckField, ChoiceList, FormState, Lens, SelectField, TextField, options_of,
};
use crate::i18n::tr;

/// A form draft that holds a household's fields.
pub trait HasHousehold: Clone + PartialEq + Send + Sync + 'static {
    fn household(&mut self) -> &mut HouseholdDraft;
}

impl HasHousehold for shared::intake::RegistrationDraft {
    fn household(&mut self) -> &mut HouseholdDraft {
        &mut self.household
    }
}

impl HasHousehold for shared::editing::HouseholdEditDraft {
    fn household(&mut self) -> &mut HouseholdDraft {
        &mut self.household
    }
}

/// The lens on one household field of draft `D`.
fn at<D: HasHousehold, T: 'static>(pick: fn(&mut HouseholdDraft) -> &mut T) -> Lens<D, T> {
    Arc::new(move |d: &mut D| Some(pick(d.household())))
}

/// Dusun, RW, RT and street.
#[component]
pub fn AddressFields<D: HasHousehold>(form: FormState<D>) -> impl IntoView {
    view! {
        <TextField label=tr("Dusun/lingkungan", "Hamlet") binding=form.text("dusun", at(|h| &mut h.dusun)) />
        <TextField label="RW" binding=form.text("rw", at(|h| &mut h.rw)) inputmode="numeric" />
        <TextField label="RT" binding=form.text("rt", at(|h| &mut h.rt)) inputmode="numeric" />
        <div class="sm:col-span-2">
            <TextField label=tr("Jalan, nomor rumah, patokan", "Street, house number, landmark") binding=form.text("street", at(|h| &mut h.street)) />
        </div>
    }
}

/// The house: tenure, floor area and materials, water, light, fuel, toilet.
#[component]
pub fn HouseFields<D: HasHousehold>(form: FormState<D>) -> impl IntoView {
    view! {
        <SelectField label=tr("Status rumah", "House tenure") binding=form.text("house_tenure", at(|h| &mut h.house_tenure)) options={options_of::<Tenure>()} required=true />
        <SelectField label=tr("Status lahan", "Land tenure") binding=form.text("land_tenure", at(|h| &mut h.land_tenure)) options={options_of::<Tenure>()} required=true />
        <TextField label=tr("Luas lantai (m²)", "Floor area (m²)") binding=form.text("floor_area_m2", at(|h| &mut h.floor_area_m2)) inputmode="numeric" required=true />
        <SelectField label=tr("Lantai", "Floor") binding=form.text("floor", at(|h| &mut h.floor)) options={options_of::<FloorMaterial>()} required=true />
        <SelectField label=tr("Dinding", "Wall") binding=form.text("wall", at(|h| &mut h.wall)) options={options_of::<WallMaterial>()} required=true />
        <SelectField label=tr("Atap", "Roof") binding=form.text("roof", at(|h| &mut h.roof)) options={options_of::<RoofMaterial>()} required=true />
        <SelectField label=tr("Air minum", "Drinking water") binding=form.text("drinking_water", at(|h| &mut h.drinking_water)) options={options_of::<DrinkingWater>()} required=true />
        <SelectField label=tr("Penerangan", "Lighting") binding=form.text("lighting", at(|h| &mut h.lighting)) options={options_of::<Lighting>()} required=true />
        <SelectField label=tr("Bahan bakar memasak", "Cooking fuel") binding=form.text("cooking_fuel", at(|h| &mut h.cooking_fuel)) options={options_of::<CookingFuel>()} required=true />
        <SelectField label=tr("Fasilitas BAB", "Toilet") binding=form.text("toilet", at(|h| &mut h.toilet)) options={options_of::<ToiletFacility>()} required=true />
    }
}

/// Income, assets, programmes received, the house photo taken.
#[component]
pub fn EconomyFields<D: HasHousehold>(form: FormState<D>) -> impl IntoView {
    view! {
        <SelectField label=tr("Penghasilan keluarga per bulan", "Household income per month") binding=form.text("income_band", at(|h| &mut h.income_band)) options={options_of::<IncomeBand>()} required=true />
        <ChoiceList label=tr("Aset yang dimiliki", "Assets owned") binding=form.codes("assets", at(|h| &mut h.assets)) options={options_of::<AssetKind>()} />
        <ChoiceList label=tr("Program yang sedang diterima", "Programmes currently received") binding=form.codes("programmes", at(|h| &mut h.programmes)) options={options_of::<ProgrammeKind>()} />
        <CheckField label=tr("Foto depan rumah sudah diambil", "Photo of the house front taken") binding=form.flag("has_house_photo", at(|h| &mut h.has_house_photo)) />
    }
}
