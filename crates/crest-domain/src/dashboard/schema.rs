//! The dashboard model as the published clients read it (api-models: `Dashboard` down to
//! `ChartSettings`): each field's JSON type, whether it is required, and the closed vocabularies
//! they check. A dashboard is stored as the JSON its client sent; these tables are what that JSON
//! is checked against, so that every dashboard reads back in a client that validates answers.
//! Fields the tables do not name are kept unchecked.

use serde_json::{Map, Value};

use crate::DomainError;

/// A field's JSON type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Text,
    /// A whole number.
    Integer,
    Number,
    Flag,
    Texts,
    Integers,
    Numbers,
    /// An object of strings.
    TextMap,
    /// Any JSON.
    Json,
    /// Any JSON object.
    Object,
    /// An object of this model.
    Model(&'static Model),
    /// A list of objects of this model.
    Models(&'static Model),
    /// An object whose values are objects of this model.
    ModelMap(&'static Model),
}

#[derive(Debug)]
pub(crate) struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
    /// The values a text may take; any when empty.
    allowed: &'static [&'static str],
}

const fn field(
    name: &'static str,
    kind: Kind,
    required: bool,
    allowed: &'static [&'static str],
) -> Field {
    Field {
        name,
        kind,
        required,
        allowed,
    }
}

#[derive(Debug)]
pub(crate) struct Model {
    name: &'static str,
    fields: &'static [Field],
}

fn invalid(message: String) -> DomainError {
    DomainError::Invalid(message)
}

fn whole(v: &Value) -> bool {
    v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn each<'a>(v: &'a Value, at: &str, what: &str) -> Result<&'a Vec<Value>, DomainError> {
    v.as_array()
        .ok_or_else(|| invalid(format!("'{at}' must be a list of {what}")))
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, DomainError> {
    v.as_object()
        .ok_or_else(|| invalid(format!("'{at}' must be an object")))
}

fn check_value(f: &Field, v: &Value, at: &str) -> Result<(), DomainError> {
    let wrong = |what: &str| invalid(format!("'{at}' must be {what}"));
    match f.kind {
        Kind::Text => {
            let text = v.as_str().ok_or_else(|| wrong("a string"))?;
            if !f.allowed.is_empty() && !f.allowed.contains(&text) {
                return Err(invalid(format!(
                    "'{at}' must be one of {}, not '{text}'",
                    f.allowed.join(", ")
                )));
            }
        }
        Kind::Integer if !whole(v) => return Err(wrong("a whole number")),
        Kind::Number if !v.is_number() => return Err(wrong("a number")),
        Kind::Flag if !v.is_boolean() => return Err(wrong("true or false")),
        Kind::Texts if !each(v, at, "strings")?.iter().all(Value::is_string) => {
            return Err(wrong("a list of strings"));
        }
        Kind::Integers if !each(v, at, "whole numbers")?.iter().all(whole) => {
            return Err(wrong("a list of whole numbers"));
        }
        Kind::Numbers if !each(v, at, "numbers")?.iter().all(Value::is_number) => {
            return Err(wrong("a list of numbers"));
        }
        Kind::TextMap if !object(v, at)?.values().all(Value::is_string) => {
            return Err(wrong("an object of strings"));
        }
        Kind::Object => {
            object(v, at)?;
        }
        Kind::Model(model) => check(model, object(v, at)?, &format!("{at}."))?,
        Kind::Models(model) => {
            for (i, item) in each(v, at, "objects")?.iter().enumerate() {
                let here = format!("{at}[{i}]");
                check(model, object(item, &here)?, &format!("{here}."))?;
            }
        }
        Kind::ModelMap(model) => {
            for (key, item) in object(v, at)? {
                let here = format!("{at}.{key}");
                check(model, object(item, &here)?, &format!("{here}."))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks an object against a model: every required field present (not null), every field the
/// model names of its type and vocabulary. `prefix` is where the object lies
/// (`sections[0].rows[1].`), for the messages.
pub(crate) fn check(
    model: &Model,
    obj: &Map<String, Value>,
    prefix: &str,
) -> Result<(), DomainError> {
    for f in model.fields {
        let at = format!("{prefix}{}", f.name);
        match obj.get(f.name) {
            None | Some(Value::Null) if f.required => {
                return Err(invalid(format!(
                    "'{at}' is required (every {} has one)",
                    model.name
                )));
            }
            None | Some(Value::Null) => {}
            Some(v) => check_value(f, v, &at)?,
        }
    }
    Ok(())
}

/// `Dashboard`.
pub(crate) static DASHBOARD: Model = Model {
    name: "Dashboard",
    fields: &[
        field("chartTitleBgColor", Kind::Text, false, &[]),
        field("chartTitleColor", Kind::Text, false, &[]),
        field("chartTitleScalar", Kind::Integer, false, &[]),
        field("createdEpochMillis", Kind::Integer, false, &[]),
        field("creatorId", Kind::Text, false, &[]),
        field("customer", Kind::Text, false, &[]),
        field("dashboardAttributes", Kind::Json, false, &[]),
        field("defaultEndTime", Kind::Integer, false, &[]),
        field("defaultStartTime", Kind::Integer, false, &[]),
        field("defaultTimeWindow", Kind::Text, false, &[]),
        field("deleted", Kind::Flag, false, &[]),
        field("description", Kind::Text, false, &[]),
        field("disableRefreshInLiveMode", Kind::Flag, false, &[]),
        field("displayDescription", Kind::Flag, false, &[]),
        field("displayQueryParameters", Kind::Flag, false, &[]),
        field("displaySectionTableOfContents", Kind::Flag, false, &[]),
        field(
            "eventFilterType",
            Kind::Text,
            false,
            &[
                "BYCHART",
                "AUTOMATIC",
                "ALL",
                "NONE",
                "BYDASHBOARD",
                "BYCHARTANDDASHBOARD",
            ],
        ),
        field("eventQuery", Kind::Text, false, &[]),
        field("favorite", Kind::Flag, false, &[]),
        field("forceV2UI", Kind::Flag, false, &[]),
        field("hidden", Kind::Flag, false, &[]),
        field("hideChartWarning", Kind::Flag, false, &[]),
        field("id", Kind::Text, true, &[]),
        field("includeObsoleteMetrics", Kind::Flag, false, &[]),
        field("modifyAclAccess", Kind::Flag, false, &[]),
        field("name", Kind::Text, true, &[]),
        field("numCharts", Kind::Integer, false, &[]),
        field("numFavorites", Kind::Integer, false, &[]),
        field("orphan", Kind::Flag, false, &[]),
        field("parameterDetails", Kind::ModelMap(&PARAMETER), false, &[]),
        field("parameters", Kind::TextMap, false, &[]),
        field("sections", Kind::Models(&SECTION), true, &[]),
        field("systemOwned", Kind::Flag, false, &[]),
        field("updatedEpochMillis", Kind::Integer, false, &[]),
        field("updaterId", Kind::Text, false, &[]),
        field("url", Kind::Text, true, &[]),
        field("viewsLastDay", Kind::Integer, false, &[]),
        field("viewsLastMonth", Kind::Integer, false, &[]),
        field("viewsLastWeek", Kind::Integer, false, &[]),
    ],
};

/// `DashboardSection`.
pub(crate) static SECTION: Model = Model {
    name: "DashboardSection",
    fields: &[
        field("id", Kind::Text, false, &[]),
        field("name", Kind::Text, true, &[]),
        field("rows", Kind::Models(&ROW), true, &[]),
        field("sectionFilter", Kind::Json, false, &[]),
    ],
};

/// `DashboardSectionRow`.
pub(crate) static ROW: Model = Model {
    name: "DashboardSectionRow",
    fields: &[
        field("charts", Kind::Models(&CHART), true, &[]),
        field("heightFactor", Kind::Integer, false, &[]),
    ],
};

/// `Chart`.
pub(crate) static CHART: Model = Model {
    name: "Chart",
    fields: &[
        field("anomalyDetectionOn", Kind::Flag, false, &[]),
        field("anomalySampleSize", Kind::Text, false, &["2", "8", "35"]),
        field(
            "anomalySeverity",
            Kind::Text,
            false,
            &["low", "medium", "high"],
        ),
        field("anomalyType", Kind::Text, false, &["both", "low", "high"]),
        field("base", Kind::Integer, false, &[]),
        field("chartAttributes", Kind::Json, false, &[]),
        field("chartSettings", Kind::Model(&CHART_SETTINGS), false, &[]),
        field("description", Kind::Text, false, &[]),
        field("displayConfidenceBounds", Kind::Flag, false, &[]),
        field("filterOutNonAnomalies", Kind::Flag, false, &[]),
        field("includeObsoleteMetrics", Kind::Flag, false, &[]),
        field("interpolatePoints", Kind::Flag, false, &[]),
        field("name", Kind::Text, true, &[]),
        field("noDefaultEvents", Kind::Flag, false, &[]),
        field("sources", Kind::Models(&SOURCE), true, &[]),
        field(
            "summarization",
            Kind::Text,
            false,
            &[
                "MEAN", "MEDIAN", "MIN", "MAX", "SUM", "COUNT", "LAST", "FIRST",
            ],
        ),
        field("units", Kind::Text, false, &[]),
    ],
};

/// `ChartSourceQuery`.
pub(crate) static SOURCE: Model = Model {
    name: "ChartSourceQuery",
    fields: &[
        field("disabled", Kind::Flag, false, &[]),
        field("name", Kind::Text, true, &[]),
        field("query", Kind::Text, true, &[]),
        field("queryType", Kind::Text, false, &["WQL", "PROMQL", "HYBRID"]),
        field("querybuilderEnabled", Kind::Flag, false, &[]),
        field("querybuilderSerialization", Kind::Text, false, &[]),
        field("scatterPlotSource", Kind::Text, false, &["X", "Y"]),
        field("secondaryAxis", Kind::Flag, false, &[]),
        field("sourceColor", Kind::Text, false, &[]),
        field("sourceDescription", Kind::Text, false, &[]),
    ],
};

/// `ChartSettings`.
pub(crate) static CHART_SETTINGS: Model = Model {
    name: "ChartSettings",
    fields: &[
        field("autoColumnTags", Kind::Flag, false, &[]),
        field("chartDefaultColor", Kind::Text, false, &[]),
        field("columnTags", Kind::Text, false, &[]),
        field("customTags", Kind::Texts, false, &[]),
        field("defaultSortColumn", Kind::Text, false, &[]),
        field("expectedDataSpacing", Kind::Integer, false, &[]),
        field("fixedLegendDisplayStats", Kind::Texts, false, &[]),
        field("fixedLegendEnabled", Kind::Flag, false, &[]),
        field(
            "fixedLegendFilterField",
            Kind::Text,
            false,
            &["CURRENT", "MEAN", "MEDIAN", "SUM", "MIN", "MAX", "COUNT"],
        ),
        field("fixedLegendFilterLimit", Kind::Integer, false, &[]),
        field(
            "fixedLegendFilterSort",
            Kind::Text,
            false,
            &["TOP", "BOTTOM"],
        ),
        field("fixedLegendHideLabel", Kind::Flag, false, &[]),
        field(
            "fixedLegendPosition",
            Kind::Text,
            false,
            &["RIGHT", "TOP", "LEFT", "BOTTOM"],
        ),
        field("fixedLegendShowMetricName", Kind::Flag, false, &[]),
        field("fixedLegendShowSourceName", Kind::Flag, false, &[]),
        field("fixedLegendUseRawStats", Kind::Flag, false, &[]),
        field("groupBySource", Kind::Flag, false, &[]),
        field("invertDynamicLegendHoverControl", Kind::Flag, false, &[]),
        field(
            "lineType",
            Kind::Text,
            false,
            &[
                "linear",
                "step-before",
                "step-after",
                "basis",
                "cardinal",
                "monotone",
            ],
        ),
        field("logsTable", Kind::Object, false, &[]),
        field("max", Kind::Number, false, &[]),
        field("min", Kind::Number, false, &[]),
        field("numTags", Kind::Integer, false, &[]),
        field("plainMarkdownContent", Kind::Text, false, &[]),
        field("showHosts", Kind::Flag, false, &[]),
        field("showLabels", Kind::Flag, false, &[]),
        field("showRawValues", Kind::Flag, false, &[]),
        field("showValueColumn", Kind::Flag, false, &[]),
        field("sortValuesDescending", Kind::Flag, false, &[]),
        field("sparklineDecimalPrecision", Kind::Integer, false, &[]),
        field("sparklineDisplayColor", Kind::Text, false, &[]),
        field("sparklineDisplayFontSize", Kind::Text, false, &[]),
        field(
            "sparklineDisplayHorizontalPosition",
            Kind::Text,
            false,
            &["MIDDLE", "LEFT", "RIGHT"],
        ),
        field("sparklineDisplayPostfix", Kind::Text, false, &[]),
        field("sparklineDisplayPrefix", Kind::Text, false, &[]),
        field(
            "sparklineDisplayValueType",
            Kind::Text,
            false,
            &["VALUE", "LABEL"],
        ),
        field("sparklineDisplayVerticalPosition", Kind::Text, false, &[]),
        field("sparklineFillColor", Kind::Text, false, &[]),
        field("sparklineLineColor", Kind::Text, false, &[]),
        field(
            "sparklineSize",
            Kind::Text,
            false,
            &["BACKGROUND", "BOTTOM", "NONE"],
        ),
        field(
            "sparklineValueColorMapApplyTo",
            Kind::Text,
            false,
            &["TEXT", "BACKGROUND"],
        ),
        field("sparklineValueColorMapColors", Kind::Texts, false, &[]),
        field("sparklineValueColorMapValues", Kind::Integers, false, &[]),
        field("sparklineValueColorMapValuesV2", Kind::Numbers, false, &[]),
        field("sparklineValueTextMapText", Kind::Texts, false, &[]),
        field("sparklineValueTextMapThresholds", Kind::Numbers, false, &[]),
        field(
            "stackType",
            Kind::Text,
            false,
            &["zero", "expand", "wiggle", "silhouette", "bars"],
        ),
        field("tagMode", Kind::Text, false, &["all", "top", "custom"]),
        field("timeBasedColoring", Kind::Flag, false, &[]),
        field(
            "type",
            Kind::Text,
            true,
            &[
                "line",
                "scatterplot",
                "stacked-area",
                "stacked-column",
                "table",
                "scatterplot-xy",
                "markdown-widget",
                "sparkline",
                "globe",
                "nodemap",
                "top-k",
                "status-list",
                "histogram",
                "heatmap",
                "gauge",
                "pie",
            ],
        ),
        field("windowSize", Kind::Integer, false, &[]),
        field("windowing", Kind::Text, false, &["full", "last"]),
        field("xmax", Kind::Number, false, &[]),
        field("xmin", Kind::Number, false, &[]),
        field("y0ScaleSIBy1024", Kind::Flag, false, &[]),
        field("y0UnitAutoscaling", Kind::Flag, false, &[]),
        field("y1Max", Kind::Number, false, &[]),
        field("y1Min", Kind::Number, false, &[]),
        field("y1ScaleSIBy1024", Kind::Flag, false, &[]),
        field("y1UnitAutoscaling", Kind::Flag, false, &[]),
        field("y1Units", Kind::Text, false, &[]),
        field("ymax", Kind::Number, false, &[]),
        field("ymin", Kind::Number, false, &[]),
    ],
};

/// `DashboardParameterValue`.
pub(crate) static PARAMETER: Model = Model {
    name: "DashboardParameterValue",
    fields: &[
        field("allowAll", Kind::Flag, false, &[]),
        field("defaultValue", Kind::Text, false, &[]),
        field("description", Kind::Text, false, &[]),
        field(
            "dynamicFieldType",
            Kind::Text,
            false,
            &[
                "SOURCE",
                "SOURCE_TAG",
                "METRIC_NAME",
                "TAG_KEY",
                "MATCHING_SOURCE_TAG",
            ],
        ),
        field("hideFromView", Kind::Flag, false, &[]),
        field("label", Kind::Text, false, &[]),
        field("multivalue", Kind::Flag, false, &[]),
        field("order", Kind::Integer, false, &[]),
        field(
            "parameterType",
            Kind::Text,
            false,
            &["SIMPLE", "LIST", "DYNAMIC"],
        ),
        field("queryValue", Kind::Text, false, &[]),
        field("reverseDynSort", Kind::Flag, false, &[]),
        field("tagKey", Kind::Text, false, &[]),
        field("tagsBlackListRegex", Kind::Text, false, &[]),
        field("valueOrdering", Kind::Texts, false, &[]),
        field("valuesToReadableStrings", Kind::TextMap, false, &[]),
    ],
};
