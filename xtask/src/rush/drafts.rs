//! Synthetic identity numbers and the JSON bodies of the server functions the rush calls.
//! Every number is made up and unique in a run; nobody in it is real.

use super::json::string;

/// A synthetic household head: NIK, No KK, a unique name, birth date as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub nik: String,
    pub no_kk: String,
    pub head_name: String,
    /// `dd/mm/yyyy`, the date the NIK encodes.
    pub birth_date: String,
}

/// Most clients and rounds a run may have (they size the number space).
pub const MAX_CLIENTS: usize = 10_000;
pub const MAX_ROUNDS: u32 = 100;

/// A number unique to (scenario, client, round) in a run.
pub fn unique_index(scenario: u32, client: usize, round: u32) -> u64 {
    (u64::from(scenario) * MAX_CLIENTS as u64 + client as u64) * u64::from(MAX_ROUNDS)
        + u64::from(round)
}

/// The six digits of a village's sub-district (`32.09.01.2008` → `320901`).
pub fn region_of(village: &str) -> String {
    village
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect()
}

/// The head of household number `index` of a run, in `region`.
///
/// NIK: serial 9000–9999 (the demo data counts its serials up from below 3,000
/// per region and birth date, so they never meet) and a birth date in 1940–1999
/// (a man's, no +40). No KK: issue date in 2010–2024 (the demo's are 2009).
pub fn identity(region: &str, index: u64, token: &str) -> Identity {
    let nik_serial = 9_000 + index % 1_000;
    let rest = index / 1_000;
    let (day, month) = (rest % 28 + 1, (rest / 28) % 12 + 1);
    let year = 40 + (rest / 336) % 60;
    let kk_serial = 1 + index % 9_999;
    let kk_rest = index / 9_999;
    let (kk_day, kk_month) = (kk_rest % 28 + 1, (kk_rest / 28) % 12 + 1);
    let kk_year = 10 + (kk_rest / 336) % 15;
    Identity {
        nik: format!("{region}{day:02}{month:02}{year:02}{nik_serial:04}"),
        no_kk: format!("{region}{kk_day:02}{kk_month:02}{kk_year:02}{kk_serial:04}"),
        head_name: format!("Warga Uji {token}"),
        birth_date: format!("{day:02}/{month:02}/19{year:02}"),
    }
}

/// A fixed-width token naming one client's round (a name search finds exactly it).
pub fn token(scenario: u32, client: usize, round: u32) -> String {
    format!("S{scenario}C{client:05}R{round:02}")
}

/// `lookup_identity` arguments.
pub fn lookup(nik: &str) -> String {
    format!(r#"{{"kind":"nik","number":{}}}"#, string(nik))
}

/// `register_household` arguments: one head of household, as the form sends
/// it once the front desk has confirmed a new family.
pub fn registration(key: &str, village: &str, who: &Identity) -> String {
    let household = format!(
        concat!(
            r#"{{"no_kk":{},"head_name":{},"village":{},"dusun":"Kliwon","rw":"2","rt":"3","#,
            r#""street":"","house_tenure":"owned","land_tenure":"owned","floor_area_m2":"36","#,
            r#""floor":"cement","wall":"woven_bamboo","roof":"clay_tile","drinking_water":"protected_well","#,
            r#""lighting":"pln_450","cooking_fuel":"lpg_3kg","toilet":"shared","income_band":"below_500k","#,
            r#""assets":[],"programmes":[],"has_house_photo":false}}"#
        ),
        string(&who.no_kk),
        string(&who.head_name),
        string(village),
    );
    let head = format!(
        concat!(
            r#"{{"nik":{},"no_documents":false,"name":{},"sex":"male","birth_place":"Cirebon","#,
            r#""birth_date":{},"relationship":"head","marital_status":"married_registered","#,
            r#""education":"primary","occupation":"farm_labourer","disabilities":[],"#,
            r#""chronic_illnesses":[],"pregnant":false,"ppks":[],"civil_registry_matched":false}}"#
        ),
        string(&who.nik),
        string(&who.head_name),
        string(&who.birth_date),
    );
    // Each client's family is another family: the look-up of families
    // likely the same still runs on every save, and the desk has confirmed.
    format!(
        r#"{{"draft":{{"idempotency_key":{},"household":{household},"members":[{head}],"confirmed_new":true}}}}"#,
        string(key)
    )
}

/// `open_case` arguments: one service request received today.
pub fn open_case(key: &str, household_id: i64, channel: &str) -> String {
    let complaint = concat!(
        r#"{"complaint_type":"service_request","sector":"social_assistance","#,
        r#""description":"Permohonan bantuan sosial (uji beban).","urgency":"normal","#,
        r#""evidence":["ktp","kk"],"received_on":""}"#
    );
    format!(
        r#"{{"draft":{{"idempotency_key":{},"household_id":{household_id},"channel":{},"complaints":[{complaint}]}}}}"#,
        string(key),
        string(channel)
    )
}

/// `case_list` arguments: 25 cases of `area` (or the whole area of the user), due first.
pub fn case_filter(area: Option<&str>, search: Option<&str>, page: u32) -> String {
    let optional = |value: Option<&str>| value.map_or("null".to_string(), string);
    format!(
        concat!(
            r#"{{"filter":{{"area":{},"states":[],"open_only":false,"sector":null,"programme":null,"#,
            r#""opened_from":null,"opened_to":null,"overdue_only":false,"mine":false,"search":{},"#,
            r#""sort":"due_first","page":{},"per_page":25}}}}"#
        ),
        optional(area),
        optional(search),
        page
    )
}

/// `household_list` arguments: the whole area of the user, optionally by head name.
pub fn household_filter(search: Option<&str>) -> String {
    format!(
        concat!(
            r#"{{"filter":{{"area":null,"search":{},"in_registry":null,"desil":null,"#,
            r#""open_case_only":false,"page":1,"per_page":25}}}}"#
        ),
        search.map_or("null".to_string(), string)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rush::json::parse;

    /// The structure `shared::identity` checks: 16 digits, a real date, serial not 0000.
    fn plausible(number: &str, female_offset: bool) -> bool {
        let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != 16 || number.len() != 16 || digits[12..].iter().all(|&d| d == 0) {
            return false;
        }
        let pair = |at: usize| digits[at] * 10 + digits[at + 1];
        let day = if female_offset && pair(6) > 40 {
            pair(6) - 40
        } else {
            pair(6)
        };
        (1..=28).contains(&day) && (1..=12).contains(&pair(8))
    }

    #[test]
    fn numbers_are_valid_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for scenario in 0..3 {
            for client in (0..MAX_CLIENTS).step_by(97) {
                for round in [0, 1, 7, MAX_ROUNDS - 1] {
                    let index = unique_index(scenario, client, round);
                    let who = identity("320901", index, &token(scenario, client, round));
                    assert!(plausible(&who.nik, true), "{}", who.nik);
                    assert!(plausible(&who.no_kk, false), "{}", who.no_kk);
                    assert!(who.nik[10..12] >= *"40", "{}", who.nik);
                    assert!(seen.insert(who.nik.clone()), "NIK twice: {}", who.nik);
                    assert!(seen.insert(who.no_kk.clone()), "KK twice: {}", who.no_kk);
                    assert!(seen.insert(who.head_name.clone()));
                }
            }
        }
    }

    #[test]
    fn bodies_are_json() {
        let who = identity("320901", 12, "S0C00001R00");
        assert_eq!(who.birth_date[6..], *"1940");
        for body in [
            lookup(&who.nik),
            registration("k-1", "32.09.01.2008", &who),
            open_case("k-2", 5, "walk_in_district"),
            case_filter(Some("32.09.01.2008"), Some("S0C"), 2),
            case_filter(None, None, 1),
            household_filter(Some("x")),
        ] {
            assert!(parse(&body).is_ok(), "{body}");
        }
        assert_eq!(region_of("32.09.01.2008"), "320901");
    }
}
