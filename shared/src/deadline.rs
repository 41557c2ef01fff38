//! Working-day calendar and service deadlines: 2 / 5 / 14 working days by complaint type, 60 calendar days at most.
//! Working days are Monday to Friday minus the holidays passed in as data; nothing here reads a clock.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::complaint::ComplaintType;
use crate::error::DomainError;

/// The most calendar days any complaint may take, whatever its type and the holidays.
pub const MAX_CALENDAR_DAYS: u64 = 60;

/// Public holidays and collective leave days (cuti bersama), as data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// A calendar with the given holidays.
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> HolidayCalendar {
        HolidayCalendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Reads a holiday list: one `yyyy-mm-dd` per line, optionally followed by a name;
    /// blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<HolidayCalendar, DomainError> {
        let mut holidays = BTreeSet::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let first = line.split_whitespace().next().unwrap_or_default();
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .map_err(|_| DomainError::HolidayLineInvalid { line: index + 1 })?;
            holidays.insert(date);
        }
        Ok(HolidayCalendar { holidays })
    }

    /// The holidays, in order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// Whether `date` is a working day: Monday to Friday and not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The `days`-th working day after `start` (the day of receipt counts as day 0).
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let mut date = start;
        let mut left = days;
        while left > 0 {
            match date.checked_add_days(Days::new(1)) {
                Some(next) => date = next,
                None => return date,
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|date| *date <= to)
            .filter(|date| self.is_working_day(*date))
            .count() as u32
    }
}

/// The deadline of one complaint or referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The day it was received.
    pub received_on: NaiveDate,
    /// The last day to finish it on time.
    pub due: NaiveDate,
}

impl Deadline {
    /// The deadline of a complaint of `complaint_type` received on `received_on`: its working days
    /// ([`ComplaintType::deadline_working_days`]), but never more than [`MAX_CALENDAR_DAYS`] calendar days.
    pub fn for_complaint(
        complaint_type: ComplaintType,
        received_on: NaiveDate,
        calendar: &HolidayCalendar,
    ) -> Deadline {
        Deadline::working_days(
            complaint_type.deadline_working_days(),
            received_on,
            calendar,
        )
    }

    /// A deadline `days` working days after `received_on`, capped at [`MAX_CALENDAR_DAYS`] calendar days.
    pub fn working_days(days: u32, received_on: NaiveDate, calendar: &HolidayCalendar) -> Deadline {
        let by_working_days = calendar.add_working_days(received_on, days);
        let cap = received_on
            .checked_add_days(Days::new(MAX_CALENDAR_DAYS))
            .unwrap_or(by_working_days);
        Deadline {
            received_on,
            due: by_working_days.min(cap),
        }
    }

    /// Whether the deadline has passed on `today` (work finished on the due day is on time).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        today > self.due
    }

    /// How many working days late it is on `today` (0 when not overdue).
    pub fn overdue_working_days(&self, today: NaiveDate, calendar: &HolidayCalendar) -> u32 {
        calendar.working_days_between(self.due, today)
    }

    /// Working days left until the due day on `today` (0 when due or overdue).
    pub fn working_days_left(&self, today: NaiveDate, calendar: &HolidayCalendar) -> u32 {
        calendar.working_days_between(today, self.due)
    }

    /// Whether an open case with this deadline should be escalated on `today`:
    /// it is overdue, or it reached the 60-calendar-day limit.
    pub fn should_escalate(&self, today: NaiveDate) -> bool {
        self.is_overdue(today)
            || self
                .received_on
                .checked_add_days(Days::new(MAX_CALENDAR_DAYS))
                .is_some_and(|limit| today >= limit)
    }
}

/// The calendar day in Western Indonesian Time (UTC+7) at `now`.
pub fn day_in_wib(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    crate::clock::Zone::Wib.today(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Synthetic holidays around Idul Fitri 2025 (31 March – 7 April) plus 1 May.
    fn calendar() -> HolidayCalendar {
        HolidayCalendar::parse(
            "# libur nasional dan cuti bersama\n2025-03-31 Idul Fitri\n2025-04-01 Idul Fitri\n\n2025-04-02 cuti bersama\n2025-04-03 cuti bersama\n2025-04-04\n2025-04-07 cuti bersama\n2025-05-01 Hari Buruh\n",
        )
        .unwrap_or_default()
    }

    #[test]
    fn holiday_list_parses_and_reports_bad_lines() {
        assert_eq!(calendar().holidays().count(), 7);
        assert_eq!(
            HolidayCalendar::parse("2025-01-01\nbesok\n"),
            Err(DomainError::HolidayLineInvalid { line: 2 })
        );
        assert_eq!(
            HolidayCalendar::parse("2025-02-30"),
            Err(DomainError::HolidayLineInvalid { line: 1 })
        );
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let cal = calendar();
        assert!(cal.is_working_day(date(2025, 3, 28))); // Friday
        assert!(!cal.is_working_day(date(2025, 3, 29))); // Saturday
        assert!(!cal.is_working_day(date(2025, 3, 30))); // Sunday
        assert!(!cal.is_working_day(date(2025, 3, 31))); // holiday
    }

    #[test]
    fn deadlines_by_type_skip_weekends_and_holidays() {
        let cal = calendar();
        let friday = date(2025, 3, 28);
        // Next working days: 8, 9, 10, 11, 14 April...
        assert_eq!(
            Deadline::for_complaint(ComplaintType::Question, friday, &cal).due,
            date(2025, 4, 9)
        );
        assert_eq!(
            Deadline::for_complaint(ComplaintType::Grievance, friday, &cal).due,
            date(2025, 4, 14)
        );
        let monday = date(2025, 6, 2);
        assert_eq!(
            Deadline::for_complaint(
                ComplaintType::Suggestion,
                monday,
                &HolidayCalendar::default()
            )
            .due,
            date(2025, 6, 9)
        );
        assert_eq!(
            Deadline::for_complaint(
                ComplaintType::ServiceRequest,
                monday,
                &HolidayCalendar::default()
            )
            .due,
            date(2025, 6, 20)
        );
    }

    #[test]
    fn sixty_calendar_days_cap_the_deadline() {
        let start = date(2025, 1, 1);
        let every_day_off = HolidayCalendar::new(start.iter_days().take(200));
        let deadline =
            Deadline::for_complaint(ComplaintType::ServiceRequest, start, &every_day_off);
        assert_eq!(deadline.due, date(2025, 3, 2));
        assert!(deadline.should_escalate(date(2025, 3, 2)));
    }

    #[test]
    fn overdue_is_counted_in_working_days() {
        let cal = HolidayCalendar::default();
        let deadline = Deadline::for_complaint(ComplaintType::Question, date(2025, 6, 2), &cal); // due Wed 4 June
        assert!(!deadline.is_overdue(date(2025, 6, 4)));
        assert_eq!(deadline.working_days_left(date(2025, 6, 2), &cal), 2);
        assert!(deadline.is_overdue(date(2025, 6, 5)));
        assert_eq!(deadline.overdue_working_days(date(2025, 6, 9), &cal), 3); // Thu, Fri, Mon
        assert_eq!(deadline.overdue_working_days(date(2025, 6, 3), &cal), 0);
        assert!(
            deadline.should_escalate(date(2025, 6, 5))
                && !deadline.should_escalate(date(2025, 6, 4))
        );
    }

    proptest! {
        #[test]
        fn adding_then_counting_working_days_agrees(offset in 0u64..3000, days in 0u32..40, holidays in proptest::collection::vec(0u64..3100, 0..60)) {
            let base = date(2020, 1, 1);
            let start = base + Days::new(offset);
            let cal = HolidayCalendar::new(holidays.into_iter().map(|d| base + Days::new(d)));
            let end = cal.add_working_days(start, days);
            prop_assert_eq!(cal.working_days_between(start, end), days);
            prop_assert!(days == 0 || cal.is_working_day(end));
            let deadline = Deadline::working_days(days, start, &cal);
            prop_assert!(deadline.due >= start && deadline.due <= start + Days::new(MAX_CALENDAR_DAYS));
            prop_assert!(!deadline.is_overdue(deadline.due));
        }
    }
}
