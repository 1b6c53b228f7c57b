//! Periods: the calendar cells of the results grid, their labels (`2026-10`, `2026-W05`,
//! `2026-Q3`), and how a date is placed in one.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use polars::prelude::{Expr, Int32Chunked, IntoColumn, lit};

use crate::error::{Error, ErrorKind};
use crate::ruleset::model::{DayOfYear, PeriodGrain};

/// A period, identified by its first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub grain: PeriodGrain,
    pub start: NaiveDate,
}

impl Period {
    /// The period that contains `date`.
    pub fn containing(grain: PeriodGrain, date: NaiveDate) -> Period {
        let start = match grain {
            PeriodGrain::Day => date,
            PeriodGrain::Week => date.week(Weekday::Mon).first_day(),
            PeriodGrain::Month => date.with_day(1).expect("day 1 exists"),
            PeriodGrain::Quarter => {
                let month = (date.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).expect("quarter start exists")
            }
            PeriodGrain::Year | PeriodGrain::YearTo(_) => {
                NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("1 January exists")
            }
        };
        Period { grain, start }
    }

    pub fn next(self) -> Period {
        let start = match self.grain {
            PeriodGrain::Day => self.start + chrono::Days::new(1),
            PeriodGrain::Week => self.start + chrono::Days::new(7),
            PeriodGrain::Month => self.start + Months::new(1),
            PeriodGrain::Quarter => self.start + Months::new(3),
            PeriodGrain::Year | PeriodGrain::YearTo(_) => self.start + Months::new(12),
        };
        Period { grain: self.grain, start }
    }

    /// The last day of the period.
    pub fn end(self) -> NaiveDate {
        match self.grain {
            PeriodGrain::YearTo(through) => through.in_year(self.start.year()),
            _ => self.next().start.pred_opt().expect("a day before"),
        }
    }

    /// Every period from `first` to `last`, both included.
    pub fn range(first: Period, last: Period) -> Vec<Period> {
        std::iter::successors(Some(first), |p| Some(p.next())).take_while(|p| *p <= last).collect()
    }

    /// The year the period counts towards for `to_date`: the ISO year for weeks.
    pub fn year(self) -> i32 {
        match self.grain {
            PeriodGrain::Week => self.start.iso_week().year(),
            _ => self.start.year(),
        }
    }

    pub fn label(self) -> String {
        let date = self.start;
        match self.grain {
            PeriodGrain::Day => date.format("%Y-%m-%d").to_string(),
            PeriodGrain::Week => format!("{}-W{:02}", date.iso_week().year(), date.iso_week().week()),
            PeriodGrain::Month => date.format("%Y-%m").to_string(),
            PeriodGrain::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
            PeriodGrain::Year => date.year().to_string(),
            PeriodGrain::YearTo(_) => format!("{}-YTD", date.year()),
        }
    }

    /// Reads a label in the form [`Period::label`] writes for `grain`.
    pub fn parse(grain: PeriodGrain, label: &str) -> Option<Period> {
        let label = label.trim();
        let start = match grain {
            PeriodGrain::Day => NaiveDate::parse_from_str(label, "%Y-%m-%d").ok()?,
            PeriodGrain::Week => {
                let (year, week) = label.split_once("-W")?;
                NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)?
            }
            PeriodGrain::Month => NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok()?,
            PeriodGrain::Quarter => {
                let (year, quarter) = label.split_once("-Q")?;
                let quarter: u32 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(year.parse().ok()?, quarter * 3 - 2, 1)?
            }
            PeriodGrain::Year => {
                let digits = label.len() == 4 && label.bytes().all(|b| b.is_ascii_digit());
                NaiveDate::from_ymd_opt(label.parse().ok().filter(|_| digits)?, 1, 1)?
            }
            PeriodGrain::YearTo(through) => {
                return Period::parse(PeriodGrain::Year, label.strip_suffix("-YTD")?)
                    .map(|year| Period { grain: PeriodGrain::YearTo(through), ..year });
            }
        };
        Some(Period { grain, start })
    }

    /// A period a user wrote (`--period`, a test case): unknown periods are an error that shows
    /// how this grain's periods are written.
    pub fn read(grain: PeriodGrain, label: &str) -> Result<Period, Error> {
        Period::parse(grain, label).ok_or_else(|| {
            Error::new(ErrorKind::UnknownPeriod { period: label.to_string() })
                .help(format!("this ruleset's periods are written like `{}`", Period::example(grain)))
        })
    }

    /// A period a user wrote in the ruleset's grain or a longer one's (`2026-Q3`, `2026`,
    /// `2026-YTD` on a monthly ruleset), which the ruleset is then viewed at.
    pub fn asked(grain: PeriodGrain, label: &str) -> Result<Asked, Error> {
        if let Some(period) = Period::parse(grain, label) {
            return Ok(Asked::Own(period));
        }
        if let Some(period) = grain.coarser().find_map(|longer| Period::parse(longer, label)) {
            return Ok(Asked::Longer(period));
        }
        let to_date = PeriodGrain::YearTo(DayOfYear::default());
        match Period::parse(to_date, label).filter(|_| grain < PeriodGrain::Year) {
            Some(period) => Ok(Asked::YearToDate { year: period.start.year() }),
            None => {
                Err(Error::new(ErrorKind::UnknownPeriod { period: label.to_string() }).help(Period::longer_help(grain)))
            }
        }
    }

    fn longer_help(grain: PeriodGrain) -> String {
        let own = format!("this ruleset's periods are written like `{}`", Period::example(grain));
        let longer: Vec<&str> = grain.coarser().map(Period::example).collect();
        match longer.is_empty() {
            true => own,
            false => format!("{own}; longer periods like `{}` or `2026-YTD` (the year to date)", longer.join("`, `")),
        }
    }

    /// An example label, for error messages.
    fn example(grain: PeriodGrain) -> &'static str {
        match grain {
            PeriodGrain::Day => "2026-10-08",
            PeriodGrain::Week => "2026-W05",
            PeriodGrain::Month => "2026-10",
            PeriodGrain::Quarter => "2026-Q3",
            PeriodGrain::Year => "2026",
            PeriodGrain::YearTo(_) => "2026-YTD",
        }
    }
}

/// What `--period` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// A period of the ruleset's own grain.
    Own(Period),
    /// A longer period, of a grain the ruleset is viewed at.
    Longer(Period),
    /// The year to date of `year`: to the last day of the latest complete period.
    YearToDate { year: i32 },
}

/// A polars expression that moves a date column to the first day of its period, by
/// [`Period::containing`], so that rows are placed in periods by the rule the grid's periods
/// are made with. A source's rows come mostly in runs of days of the same period, so a row in
/// the period of the row before it takes that period's start: polars' own `truncate` converted
/// every row's date to a time of day and back, 7% of a run's time.
pub fn truncate(grain: PeriodGrain, date: Expr) -> Expr {
    if grain == PeriodGrain::Day {
        return date;
    }
    date.map(
        move |column| Ok(starts(grain, column.date()?.physical()).into_date().into_column()),
        |_, field| Ok(field.clone()),
    )
}

/// The rows' condition of being in a period of `grain`, for a grain that leaves days out (a
/// year to date): a row after its year's last day is in none. A row without a date is kept, for
/// the grid to report.
pub fn within(grain: PeriodGrain, date: Expr) -> Option<Expr> {
    let PeriodGrain::YearTo(through) = grain else { return None };
    let day = |part: Expr| part.cast(polars::prelude::DataType::Int32);
    let written = day(date.clone().dt().month()) * lit(100) + day(date.clone().dt().day());
    Some(written.lt_eq(lit((through.month * 100 + through.day) as i32)).or(date.is_null()))
}

/// About 100,000 years from 1970, far inside chrono's calendar (±262,000 years).
const BEYOND_CALENDAR: u32 = 36_500_000;

fn starts(grain: PeriodGrain, days: &Int32Chunked) -> Int32Chunked {
    // The days of the last period met: its first, and the first of the next.
    let mut last = (0, 0);
    let mut start = |day: i32| {
        // A date beyond chrono's calendar stays as it is: the grid reports it as out of range.
        if day.unsigned_abs() > BEYOND_CALENDAR {
            return day;
        }
        if !(last.0..last.1).contains(&day) {
            let period = Period::containing(grain, from_epoch_days(day));
            last = (epoch_days(period.start), epoch_days(period.next().start));
        }
        last.0
    };
    let starts: Int32Chunked = days.iter().map(|day| day.map(&mut start)).collect();
    starts.with_name(days.name().clone())
}

/// Days since 1970-01-01, as polars stores dates.
pub fn epoch_days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

pub fn from_epoch_days(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn labels_follow_the_grain_and_read_back() {
        let cases = [
            (PeriodGrain::Day, date(2026, 10, 8), "2026-10-08"),
            (PeriodGrain::Week, date(2026, 1, 29), "2026-W05"),
            (PeriodGrain::Week, date(2027, 1, 1), "2026-W53"),
            (PeriodGrain::Month, date(2026, 10, 31), "2026-10"),
            (PeriodGrain::Quarter, date(2026, 8, 15), "2026-Q3"),
            (PeriodGrain::Year, date(2026, 12, 31), "2026"),
        ];
        for (grain, day, label) in cases {
            let period = Period::containing(grain, day);
            assert_eq!(period.label(), label);
            assert_eq!(Period::parse(grain, label), Some(period));
        }
        assert_eq!(Period::parse(PeriodGrain::Month, "2026-13"), None);
        assert_eq!(Period::parse(PeriodGrain::Quarter, "2026-Q5"), None);
    }

    #[test]
    fn a_year_to_date_ends_on_the_same_day_of_every_year() {
        let to_date = PeriodGrain::YearTo(DayOfYear { month: 2, day: 29 });
        let period = Period::containing(to_date, date(2024, 2, 10));
        assert_eq!((period.label(), period.end()), ("2024-YTD".to_string(), date(2024, 2, 29)));
        assert_eq!(Period::parse(to_date, "2024-YTD"), Some(period));
        // 29 February is the 28th in a year without one.
        assert_eq!(period.next().end(), date(2025, 2, 28));
        // Rows after the day are in no period; a row without a date is kept for the grid to report.
        use polars::prelude::{DataType, IntoLazy, col, df};
        let days = [date(2025, 2, 28), date(2025, 3, 1), date(2024, 2, 29), date(2026, 12, 31)];
        let mut epoch: Vec<Option<i32>> = days.iter().map(|d| Some(epoch_days(*d))).collect();
        epoch.push(None);
        let frame = df!("day" => epoch).unwrap().lazy().with_column(col("day").cast(DataType::Date));
        let kept = frame.filter(within(to_date, col("day")).unwrap()).collect().unwrap();
        let kept: Vec<Option<i32>> =
            kept.column("day").unwrap().cast(&DataType::Int32).unwrap().i32().unwrap().iter().collect();
        assert_eq!(kept, [Some(epoch_days(days[0])), Some(epoch_days(days[2])), None]);
    }

    #[test]
    fn a_range_holds_every_period_between_its_ends() {
        let first = Period::containing(PeriodGrain::Month, date(2025, 11, 3));
        let last = Period::containing(PeriodGrain::Month, date(2026, 2, 27));
        let labels: Vec<String> = Period::range(first, last).into_iter().map(Period::label).collect();
        assert_eq!(labels, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(first.end(), date(2025, 11, 30));
    }

    #[test]
    fn rows_are_placed_in_the_periods_the_grid_is_made_of() {
        use polars::prelude::{DataType, IntoLazy, col, df};
        let days = [date(2025, 12, 29), date(2026, 1, 4), date(2026, 1, 5), date(2026, 3, 31), date(2026, 4, 1)];
        let mut epoch: Vec<Option<i32>> = days.iter().map(|d| Some(epoch_days(*d))).collect();
        epoch.extend([None, Some(i32::MAX)]);
        let frame = df!("day" => epoch).unwrap().lazy().with_column(col("day").cast(DataType::Date));
        for grain in [PeriodGrain::Week, PeriodGrain::Month, PeriodGrain::Quarter, PeriodGrain::Year] {
            let placed = frame.clone().select([truncate(grain, col("day")).cast(DataType::Int32)]).collect().unwrap();
            let placed: Vec<Option<i32>> = placed.column("day").unwrap().i32().unwrap().iter().collect();
            let mut expected: Vec<Option<i32>> =
                days.iter().map(|d| Some(epoch_days(Period::containing(grain, *d).start))).collect();
            // No date stays no date; a date beyond the calendar stays itself, for the grid to report.
            expected.extend([None, Some(i32::MAX)]);
            assert_eq!(placed, expected, "{grain:?}");
        }
    }
}
