//! User-facing text. Bahasa Indonesia is the portal's first language; every
//! string a page shows comes from here so that English can follow.

/// The words of the interface in one language.
#[derive(Debug)]
pub struct Texts {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_out: &'static str,
    pub home_title: &'static str,
    pub welcome: &'static str,
    pub role: &'static str,
    pub area: &'static str,
    pub whole_nation: &'static str,
    pub villages_in_area: &'static str,
    pub subdistricts_in_area: &'static str,
    pub loading: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
}

/// Bahasa Indonesia.
pub const ID: Texts = Texts {
    app_name: "Portal SLRT",
    app_tagline: "Sistem Layanan dan Rujukan Terpadu",
    login_title: "Masuk",
    login_intro: "Masuk dengan akun petugas yang diberikan administrator.",
    username: "Nama pengguna",
    password: "Kata sandi",
    show_password: "Tampilkan",
    hide_password: "Sembunyikan",
    sign_in: "Masuk",
    signing_in: "Memproses…",
    sign_out: "Keluar",
    home_title: "Beranda",
    welcome: "Selamat datang",
    role: "Peran",
    area: "Wilayah",
    whole_nation: "Seluruh Indonesia",
    villages_in_area: "Desa/kelurahan di wilayah Anda",
    subdistricts_in_area: "Kecamatan di wilayah Anda",
    loading: "Memuat…",
    not_found_title: "Halaman tidak ditemukan",
    not_found_body: "Alamat yang Anda buka tidak ada di portal ini.",
    back_home: "Kembali ke beranda",
};

/// English.
pub const EN: Texts = Texts {
    app_name: "SLRT Portal",
    app_tagline: "Integrated Service and Referral System",
    login_title: "Sign in",
    login_intro: "Sign in with the staff account your administrator gave you.",
    username: "Username",
    password: "Password",
    show_password: "Show",
    hide_password: "Hide",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_out: "Sign out",
    home_title: "Home",
    welcome: "Welcome",
    role: "Role",
    area: "Area",
    whole_nation: "All of Indonesia",
    villages_in_area: "Villages in your area",
    subdistricts_in_area: "Sub-districts in your area",
    loading: "Loading…",
    not_found_title: "Page not found",
    not_found_body: "The address you opened does not exist in this portal.",
    back_home: "Back to home",
};

/// The texts of the current language.
pub fn texts() -> &'static Texts {
    match lang() {
        Lang::Id => &ID,
        Lang::En => &EN,
    }
}

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The language's code: `id` or `en` (the cookie's value and the page's `lang`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language of a code; anything else is Bahasa Indonesia.
    pub fn from_code(code: &str) -> Lang {
        if code.trim() == "en" {
            Lang::En
        } else {
            Lang::Id
        }
    }
}

/// Name of the cookie that remembers the chosen language (not personal data).
pub const LANG_COOKIE: &str = "slrt_lang";

/// The current language, provided by [`crate::App`].
pub fn lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

/// The language the page is rendered in: on the server from the request's
/// cookie, in the browser from the `lang` the server wrote on the page.
pub fn detect() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_request_lang()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .map(|root| Lang::from_code(&root.get_attribute("lang").unwrap_or_default()))
            .unwrap_or_default()
    }
}

/// The language chosen in the request's cookie.
#[cfg(feature = "ssr")]
pub fn use_request_lang() -> Lang {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| crate::api::ssr::cookie_value(&parts.headers, LANG_COOKIE))
        .map(|value| Lang::from_code(&value))
        .unwrap_or_default()
}

/// The label of a coded value (a select option, a state) in the current language.
pub fn label<T: shared::Coded>(value: T) -> &'static str {
    match lang() {
        Lang::Id => value.label_id(),
        Lang::En => value.label_en(),
    }
}

/// A phrase in the current language, given in both: `tr("Simpan", "Save")`.
pub fn tr(id: &'static str, en: &'static str) -> &'static str {
    match lang() {
        Lang::Id => id,
        Lang::En => en,
    }
}
