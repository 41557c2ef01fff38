//! Local time. Indonesia has three time zones, by province, and no daylight
//! saving: WIB (UTC+7: Sumatra, Java, West and Central Kalimantan), WITA (UTC+8:
//! Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi) and WIT
//! (UTC+9: Maluku, Papua). An area's "today", its deadlines and its "overdue"
//! turn at its own midnight, and times are shown with the zone's name.
//! Everything stored is UTC; this module is the one place that converts.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// One of Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

/// Province codes in WITA (Kemendagri codes).
const WITA_PROVINCES: [&str; 12] = [
    "51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76",
];
/// Province codes in WIT.
const WIT_PROVINCES: [&str; 8] = ["81", "82", "91", "92", "93", "94", "95", "96"];

impl Zone {
    /// Every zone, west to east.
    pub const ALL: [Zone; 3] = [Zone::Wib, Zone::Wita, Zone::Wit];

    /// The zone of an area, by its province (the first two digits of its code);
    /// the nation as a whole (`""`) and any unknown code keep to WIB, the capital's.
    pub fn of_area(code: &str) -> Zone {
        let province = code.get(..2).unwrap_or_default();
        if WITA_PROVINCES.contains(&province) {
            Zone::Wita
        } else if WIT_PROVINCES.contains(&province) {
            Zone::Wit
        } else {
            Zone::Wib
        }
    }

    /// The province codes of this zone (WIB: every other province).
    pub fn provinces(self) -> &'static [&'static str] {
        match self {
            Zone::Wib => &[],
            Zone::Wita => &WITA_PROVINCES,
            Zone::Wit => &WIT_PROVINCES,
        }
    }

    /// Hours ahead of UTC.
    pub fn offset_hours(self) -> i64 {
        match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        }
    }

    /// The zone's short name, as shown beside a time.
    pub fn name(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    /// The wall-clock time in this zone at `at`.
    pub fn local(self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + Duration::hours(self.offset_hours())
    }

    /// The date in this zone at `at` ("today" when `at` is now).
    pub fn today(self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// The moment `day` begins in this zone, in UTC.
    pub fn midnight(self, day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
            - Duration::hours(self.offset_hours())
    }

    /// `at` as `dd/mm/yyyy HH:MM` with the zone's name (`06/12/2026 09:30 WIT`).
    pub fn format(self, at: DateTime<Utc>) -> String {
        use chrono::Timelike;
        let local = self.local(at);
        format!(
            "{} {:02}:{:02} {}",
            crate::dates::dmy(local.date()),
            local.hour(),
            local.minute(),
            self.name()
        )
    }
}

/// "Today" in every zone at `at`, west to east: they differ only in the hours
/// when one zone's midnight has passed and another's has not.
pub fn todays(at: DateTime<Utc>) -> [(Zone, NaiveDate); 3] {
    Zone::ALL.map(|zone| (zone, zone.today(at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn each_province_keeps_its_own_clock() {
        assert_eq!(Zone::of_area("32.09.01.2008"), Zone::Wib, "Jawa Barat");
        assert_eq!(Zone::of_area("62"), Zone::Wib, "Kalimantan Tengah");
        assert_eq!(Zone::of_area("51.71"), Zone::Wita, "Bali");
        assert_eq!(Zone::of_area("64.72"), Zone::Wita, "Kalimantan Timur");
        assert_eq!(Zone::of_area("73.71"), Zone::Wita, "Sulawesi Selatan");
        assert_eq!(Zone::of_area("91.03.01.1001"), Zone::Wit, "Papua");
        assert_eq!(Zone::of_area("81"), Zone::Wit, "Maluku");
        assert_eq!(Zone::of_area(""), Zone::Wib, "the nation");
        assert_eq!(Zone::of_area("x"), Zone::Wib);
    }

    #[test]
    fn midnight_comes_first_in_the_east() {
        // 15:30 UTC on 6 December: 22:30 in Java, 23:30 in Bali, 00:30 on the 7th in Papua.
        let at = utc(2026, 12, 6, 15, 30);
        assert_eq!(
            todays(at),
            [
                (Zone::Wib, date(2026, 12, 6)),
                (Zone::Wita, date(2026, 12, 6)),
                (Zone::Wit, date(2026, 12, 7)),
            ]
        );
        assert_eq!(Zone::Wit.format(at), "07/12/2026 00:30 WIT");
        assert_eq!(Zone::Wib.format(at), "06/12/2026 22:30 WIB");
        assert_eq!(
            Zone::Wit.midnight(date(2026, 12, 7)),
            utc(2026, 12, 6, 15, 0)
        );
        assert_eq!(
            Zone::Wib.midnight(date(2026, 12, 7)),
            utc(2026, 12, 6, 17, 0)
        );
        for zone in Zone::ALL {
            assert_eq!(
                zone.today(zone.midnight(date(2026, 1, 1))),
                date(2026, 1, 1)
            );
        }
    }
}
