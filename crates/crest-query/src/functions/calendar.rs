//! Calendar functions (wql.md §2.10.4), continuous: `year month day dayOfYear weekday hour minute
//! daysInMonth isToday (tz [, expr])`. `hour` is fractional (14.5 at 2:30 pm: wql.md §6 conflict
//! 5, the ts_hour page's reading). With an expression they are evaluated at its points' timestamps
//! (discrete, same identity). Only UTC (`UTC`, `GMT`, `Etc/UTC`, `Etc/GMT`) is supported so far:
//! another zone is refused by name rather than answered wrongly.

use crest_wql::{Arg, Call};

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

#[allow(clippy::cast_precision_loss)]
fn field(f: Field, t: i64, now: i64) -> f64 {
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
        Field::IsToday => i64::from(days == now.div_euclid(86_400)),
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
    match call.args.first() {
        Some(Arg::Str(tz)) if matches!(tz.as_str(), "UTC" | "GMT" | "Etc/UTC" | "Etc/GMT") => {}
        Some(Arg::Str(tz)) => {
            return Err(QueryError::exec(format!(
                "{}(): the time zone {tz} is not supported yet (only UTC)",
                name(call)
            )));
        }
        _ => {
            return Err(QueryError::exec(format!(
                "{}(): expected a quoted time zone such as \"UTC\"",
                name(call)
            )));
        }
    }
    let now = ctx.chart.now;
    if call.args.len() == 1 {
        let mut s = Series::new(
            crate::value::Meta {
                metric: name(call).to_owned(),
                ..crate::value::Meta::default()
            },
            Points::generator(move |t| Some(field(f, t, now))),
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
                        d.into_iter().map(|(t, _)| (t, field(f, t, now))).collect(),
                    ),
                    _ => Points::generator(move |t| Some(field(f, t, now))),
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
        let f = |x| field(x, t, t);
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
        assert_eq!(field(Field::Weekday, 0, 0), 4.0);
        assert_eq!(field(Field::DaysInMonth, 1_709_164_800, 0), 29.0); // 2024-02-29
        assert_eq!(field(Field::DayOfYear, 1_735_603_200, 0), 366.0); // 2024-12-31
    }
}
