//! The function table. Adding a function is a row here and a function in the file of its family:
//! `eval` computes its value, `range` says what time range its expression arguments must be read
//! over, given the range its own value is needed for.

pub(crate) mod aggregate;
mod align;
mod anyall;
pub(crate) mod args;
mod at;
mod buckets;
mod calendar;
mod conditional;
mod dimension;
mod fill;
mod filter;
mod forecast;
mod haversine;
mod hist_summary;
mod histo;
pub(crate) mod histogram;
mod math;
mod mcorr;
mod metadata;
mod mgroup;
mod normalize;
mod presence;
mod random;
mod rank;
mod rate;
mod set;
mod shift;
mod strings;
mod time;
mod window;

use crest_wql::Call;

use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::Ctx;
use crate::value::Value;

pub(crate) type Eval = fn(&Call, &Ctx<'_>, usize) -> Result<Value, QueryError>;
pub(crate) type RangeOf = fn(&Call, &Chart, Range) -> Result<Range, QueryError>;

/// One function of the language.
#[derive(Debug)]
pub(crate) struct Function {
    /// As documented; calls match it regardless of case (wql.md §6 silent 6).
    pub name: &'static str,
    pub eval: Eval,
    pub range: RangeOf,
}

/// The arguments are read over the range the value is needed for.
fn same(_: &Call, _: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range)
}

const fn row(name: &'static str, eval: Eval, range: RangeOf) -> Function {
    Function { name, eval, range }
}

static TABLE: &[Function] = &[
    row("sum", aggregate::sum, same),
    row("avg", aggregate::avg, same),
    row("min", aggregate::min, same),
    row("max", aggregate::max, same),
    row("count", aggregate::count_fn, same),
    row("variance", aggregate::variance_fn, same),
    row("percentile", aggregate::percentile_fn, same),
    row("rawsum", aggregate::rawsum, same),
    row("rawavg", aggregate::rawavg, same),
    row("rawmin", aggregate::rawmin, same),
    row("rawmax", aggregate::rawmax, same),
    row("rawcount", aggregate::rawcount, same),
    row("rawvariance", aggregate::rawvariance, same),
    row("rawpercentile", aggregate::rawpercentile, same),
    row("rate", rate::rate, rate::range_back),
    row("deriv", rate::deriv, same),
    row("ratediff", rate::ratediff, rate::range_back),
    row("align", align::align, align::range),
    row("highpass", filter::highpass, same),
    row("lowpass", filter::lowpass, same),
    row("lag", shift::lag, shift::lag_range),
    row("lead", shift::lead, shift::lead_range),
    row("default", fill::default, fill::default_range),
    row("last", fill::last, fill::last_range),
    row("mavg", window::mavg, window::range),
    row("msum", window::msum, window::range),
    row("mcount", window::mcount, window::range),
    row("mmax", window::mmax, window::range),
    row("mmin", window::mmin, window::range),
    row("mmedian", window::mmedian, window::range),
    row("mpercentile", window::mpercentile, window::range),
    row("mvar", window::mvar, window::range),
    row("missing", window::missing, window::range),
    row("abs", math::abs, same),
    row("ceil", math::ceil, same),
    row("floor", math::floor, same),
    row("round", math::round, same),
    row("sqrt", math::sqrt, same),
    row("if", conditional::if_fn, same),
    row("between", conditional::between, same),
    row("exists", presence::exists, presence::range),
    row("limit", rank::limit, same),
    row("topk", rank::topk, same),
    row("bottomk", rank::bottomk, same),
    row("top", rank::top, same),
    row("bottom", rank::bottom, same),
    row("at", at::at, at::range),
    row("collect", set::collect, same),
    row("year", calendar::year, same),
    row("month", calendar::month, same),
    row("day", calendar::day, same),
    row("dayOfYear", calendar::day_of_year, same),
    row("weekday", calendar::weekday, same),
    row("hour", calendar::hour, same),
    row("minute", calendar::minute, same),
    row("daysInMonth", calendar::days_in_month_fn, same),
    row("isToday", calendar::is_today, same),
    row("aliasMetric", metadata::alias_metric, same),
    row("aliasSource", metadata::alias_source, same),
    row("taggify", metadata::taggify, same),
    row("retainSeries", metadata::retain_series, same),
    row("removeSeries", metadata::remove_series, same),
    row("filter", metadata::retain_series, same),
    row("pow", math::pow, same),
    row("mod", math::modulo, same),
    row("atan2", math::atan2, same),
    row("clampMax", math::clamp_max, same),
    row("clampMin", math::clamp_min, same),
    row("exp", math::exp, same),
    row("log", math::ln, same),
    row("log2", math::log2, same),
    row("log10", math::log10, same),
    row("sin", math::sin, same),
    row("cos", math::cos, same),
    row("tan", math::tan, same),
    row("asin", math::asin, same),
    row("acos", math::acos, same),
    row("atan", math::atan, same),
    row("sinh", math::sinh, same),
    row("cosh", math::cosh, same),
    row("tanh", math::tanh, same),
    row("toDegrees", math::to_degrees, same),
    row("toRadians", math::to_radians, same),
    row("bestEffort", math::best_effort, same),
    row("time", time::time, same),
    row("timestamp", time::timestamp, same),
    row("integral", time::integral, same),
    row("hideBefore", time::hide_before, same),
    row("hideAfter", time::hide_after, same),
    row("sample", rank::sample, same),
    row("next", fill::next, fill::next_range),
    row("interpolate", fill::interpolate, same),
    row("downsample", align::downsample, align::downsample_range),
    row("union", set::union, same),
    row("intersect", set::intersect, same),
    row("complement", set::complement, same),
    row("mdiff", window::mdiff, window::range),
    row("mslope", window::mslope, window::range),
    row("mchanges", window::mchanges, window::range),
    row("mcorr", mcorr::mcorr, window::range),
    row("integrate", window::integrate, window::range),
    row("flapping", window::flapping, window::range),
    row("stddev", histogram::stddev, same),
    row("cdf", histogram::cdf, same),
    row("median", histogram::median, same),
    row("merge", histogram::merge, same),
    row("length", strings::length, same),
    row("isEmpty", strings::is_empty, same),
    row("isBlank", strings::is_blank, same),
    row("toLowerCase", strings::to_lower_case, same),
    row("toUpperCase", strings::to_upper_case, same),
    row("trim", strings::trim, same),
    row("strip", strings::strip, same),
    row("stripLeading", strings::strip_leading, same),
    row("stripTrailing", strings::strip_trailing, same),
    row("equals", strings::equals, same),
    row("equalsIgnoreCase", strings::equals_ignore_case, same),
    row("matches", strings::matches, same),
    row("startsWith", strings::starts_with, same),
    row("endsWith", strings::ends_with, same),
    row("indexOf", strings::index_of_fn, same),
    row("lastIndexOf", strings::last_index_of_fn, same),
    row("concat", strings::concat, same),
    row("contains", strings::contains, same),
    row("charAt", strings::char_at, same),
    row("substring", strings::substring, same),
    row("repeat", strings::repeat, same),
    row("mseriescount", mgroup::mseriescount, window::range),
    row("mvalues", mgroup::mvalues, window::range),
    row("any", anyall::any, window::range),
    row("all", anyall::all, window::range),
    row("retainDimension", dimension::retain_dimension, same),
    row("removeDimension", dimension::remove_dimension, same),
    row("normalize", normalize::normalize, same),
    row("atEpoch", at::at_epoch, at::epoch_range),
    row("rawif", conditional::rawif, same),
    row("linearforecast", forecast::linearforecast, forecast::range),
    row("summary", hist_summary::summary, same),
    row("alignedSummary", hist_summary::aligned_summary, same),
    row("histo", histo::histo, same),
    row("cumulativeHisto", buckets::cumulative_histo, same),
    row("frequencyHisto", buckets::frequency_histo, same),
    row("cumulativePercentile", buckets::cumulative_percentile, same),
    row("haversine", haversine::haversine, same),
    row("random", random::random, same),
];

/// Every documented function name (wql.md §3.3): a name here but not in [`TABLE`] is "not
/// supported yet"; a name in neither is unknown. The event functions (`closed`, `since`, `count`
/// and `last` of events, ...) are not in either: `events/` evaluates them before a call is looked
/// up here.
static DOCUMENTED: &[&str] = &[
    "traces",
    "spans",
    "anomalous",
    "hw",
    "nnforecast",
    "forecast",
    "apdex",
    "apdexLatency",
];

/// The function a call names, or the error for an unsupported or unknown name.
pub(crate) fn lookup(name: &str) -> Result<&'static Function, QueryError> {
    if let Some(f) = TABLE.iter().find(|f| f.name.eq_ignore_ascii_case(name)) {
        return Ok(f);
    }
    match DOCUMENTED.iter().find(|d| d.eq_ignore_ascii_case(name)) {
        Some(documented) => Err(QueryError::unsupported(documented)),
        None => Err(QueryError::exec(format!("Unknown function: {name}()"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_and_unknown_ones_are_named() {
        assert_eq!(lookup("RawSum").map(|f| f.name).ok(), Some("rawsum"));
        assert_eq!(
            lookup("nnforecast").err().map(|e| e.to_string()),
            Some("nnforecast() is not supported yet".to_owned())
        );
        assert_eq!(
            lookup("nosuchfunction").err().map(|e| e.to_string()),
            Some("Unknown function: nosuchfunction()".to_owned())
        );
    }

    #[test]
    fn no_function_is_both_implemented_and_listed_as_missing() {
        for f in TABLE {
            assert!(
                !DOCUMENTED.iter().any(|d| d.eq_ignore_ascii_case(f.name)),
                "{}",
                f.name
            );
        }
    }
}
