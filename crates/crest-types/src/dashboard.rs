//! Dashboards: the `Dashboard` model down to `ChartSettings`, as the published clients know it
//! (for the API's documentation), and [`DashboardJson`], the JSON the server actually keeps and
//! answers: whole, with every field a client sent, whether this model names it or not.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::alert::{AccessControlListSimple, WFTags};
use crate::paging::Paged;
use crate::response_container;

/// A dashboard as JSON: what a client sent, whole, and what the server answers (the same, with
/// the server's fields set). Documented as [`Dashboard`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DashboardJson(pub Map<String, Value>);

crate::paged_schema!(
    /// `PagedDashboard`.
    PagedDashboard,
    Dashboard
);

response_container!(
    /// `ResponseContainerDashboard`.
    ResponseContainerDashboard,
    DashboardJson,
    schema = Dashboard
);

response_container!(
    /// `ResponseContainerPagedDashboard`.
    ResponseContainerPagedDashboard,
    Paged<DashboardJson>,
    schema = PagedDashboard
);

/// `Dashboard`: documentation of the model; the server keeps the JSON a client sends whole ([`DashboardJson`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<AccessControlListSimple>,
    /// Background color of the chart title text area, in rgba(rvalue,gvalue,bvalue,avalue)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_title_bg_color: Option<String>,
    /// Text color of the chart title text are, in rgba(rvalue,gvalue,bvalue,avalue)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_title_color: Option<String>,
    /// Scale (normally 100) of chart title text size
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_title_scalar: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// id of the customer to which this dashboard belongs
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Experimental Dashboard Attributes
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_attributes: Option<Value>,
    /// Default end time in milliseconds to query charts
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_end_time: Option<i64>,
    /// Default start time in milliseconds to query charts
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_start_time: Option<i64>,
    /// Default time window to query charts
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_time_window: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Human-readable description of the dashboard
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Refresh variables in Live Mode
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_refresh_in_live_mode: Option<bool>,
    /// Whether the dashboard description section is opened by default when the dashboard is shown
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_description: Option<bool>,
    /// Whether the dashboard parameters section is opened by default when the dashboard is shown
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_query_parameters: Option<bool>,
    /// Whether the "pills" quick-linked the sections of the dashboard are displayed by default when the dashboard is shown
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_section_table_of_contents: Option<bool>,
    /// How charts belonging to this dashboard should display events.  BYCHART is default if unspecified
    /// One of: `BYCHART`, `AUTOMATIC`, `ALL`, `NONE`, `BYDASHBOARD`, `BYCHARTANDDASHBOARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_filter_type: Option<String>,
    /// Event query to run on dashboard charts
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favorite: Option<bool>,
    /// Whether to force this dashboard to use the V2 UI
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "forceV2UI")]
    pub force_v2_ui: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Hide chart warning
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_chart_warning: Option<bool>,
    /// Unique identifier, also URL slug, of the dashboard
    pub id: String,
    /// Whether to include the obsolete metrics
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_obsolete_metrics: Option<bool>,
    /// Whether the user has modify ACL access to the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modify_acl_access: Option<bool>,
    /// Name of the dashboard
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_charts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_favorites: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan: Option<bool>,
    /// The current (as of Wavefront 4.0) JSON representation of dashboard parameters.  This is a map from a parameter name to its representation
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_details: Option<BTreeMap<String, DashboardParameterValue>>,
    /// Deprecated.  An obsolete representation of dashboard parameters
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<String, String>>,
    /// Dashboard chart sections
    pub sections: Vec<DashboardSection>,
    /// Whether this dashboard is system-owned and not writeable
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_owned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<WFTags>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
    /// Unique identifier, also URL slug, of the dashboard
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views_last_day: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views_last_month: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views_last_week: Option<i64>,
}

/// `DashboardSection`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSection {
    /// Id of this section
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name of this section
    pub name: String,
    /// Rows of this section
    pub rows: Vec<DashboardSectionRow>,
    /// Display filter for conditional dashboard section
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_filter: Option<Value>,
}

/// `DashboardSectionRow`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSectionRow {
    /// Charts in this section row
    pub charts: Vec<Chart>,
    /// Scalar for the height of this row. 100 is normal and default. 50 is half height
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_factor: Option<i64>,
}

/// `Chart`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    /// Whether anomaly detection is on or of, default false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_detection_on: Option<bool>,
    /// The amount of historical data to use for anomaly detection baselining
    /// One of: `2`, `8`, `35`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_sample_size: Option<String>,
    /// Anomaly Severity. Default medium
    /// One of: `low`, `medium`, `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_severity: Option<String>,
    /// Anomaly Type. Default both
    /// One of: `both`, `low`, `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_type: Option<String>,
    /// If the chart has a log-scale Y-axis, the base for the logarithms
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
    /// Experimental field for chart attributes
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_settings: Option<ChartSettings>,
    /// Description of the chart
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether to show confidence bounds. Default false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_confidence_bounds: Option<bool>,
    /// Whether to filter out non anomalies. Default false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_out_non_anomalies: Option<bool>,
    /// Whether to show obsolete metrics.  Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_obsolete_metrics: Option<bool>,
    /// Whether to interpolate points in the charts produced. Default: true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpolate_points: Option<bool>,
    /// Name of the source
    pub name: String,
    /// Whether to hide events related to the sources in the charts produced. Default false (i.e. shows events)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_default_events: Option<bool>,
    /// Query expression to plot on the chart
    pub sources: Vec<ChartSourceQuery>,
    /// Summarization strategy for the chart.  MEAN is default
    /// One of: `MEAN`, `MEDIAN`, `MIN`, `MAX`, `SUM`, `COUNT`, `LAST`, `FIRST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summarization: Option<String>,
    /// String to label the units of the chart on the Y-axis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
}

/// `ChartSourceQuery`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChartSourceQuery {
    /// Whether the source is disabled
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Name of the source
    pub name: String,
    /// Query expression to plot on the chart
    pub query: String,
    /// Query type of the source
    /// One of: `WQL`, `PROMQL`, `HYBRID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type: Option<String>,
    /// Whether or not this source line should have the query builder enabled
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub querybuilder_enabled: Option<bool>,
    /// Opaque representation of the querybuilder
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub querybuilder_serialization: Option<String>,
    /// For scatter plots, does this query source the X-axis or the Y-axis
    /// One of: `X`, `Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scatter_plot_source: Option<String>,
    /// Determines if this source relates to the right hand Y-axis or not
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_axis: Option<bool>,
    /// The color used to draw all results from this source (auto if unset)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_color: Option<String>,
    /// A description for the purpose of this source
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_description: Option<String>,
}

/// `ChartSettings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChartSettings {
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_column_tags: Option<bool>,
    /// Default color that will be used in any chart rendering. Values should be in "rgba(&lt;rval&gt;, &lt;gval&gt;, &lt;bval&gt;, &lt;aval&gt;)" format
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_default_color: Option<String>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_tags: Option<String>,
    /// For the tabular view, a list of point tags to display when using the "custom" tag display mode
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_tags: Option<Vec<String>>,
    /// For the tabular view, to select column for default sort
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_sort_column: Option<String>,
    /// Threshold (in seconds) for time delta between consecutive points in a series above which a dotted line will replace a solid line in line plots.  Default: 60s
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_data_spacing: Option<i64>,
    /// For a chart with a fixed legend, a list of statistics to display in the legend
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_display_stats: Option<Vec<String>>,
    /// Whether to enable a fixed tabular legend adjacent to the chart
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_enabled: Option<bool>,
    /// Statistic to use for determining whether a series is displayed on the fixed legend
    /// One of: `CURRENT`, `MEAN`, `MEDIAN`, `SUM`, `MIN`, `MAX`, `COUNT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_filter_field: Option<String>,
    /// Number of series to include in the fixed legend
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_filter_limit: Option<i64>,
    /// Whether to display "Top"- or "Bottom"-ranked series in the fixed legend
    /// One of: `TOP`, `BOTTOM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_filter_sort: Option<String>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_hide_label: Option<bool>,
    /// Where the fixed legend should be displayed with respect to the chart
    /// One of: `RIGHT`, `TOP`, `LEFT`, `BOTTOM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_position: Option<String>,
    /// Whether to display Metric Name fixed legend
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_show_metric_name: Option<bool>,
    /// Whether to display Source Name fixed legend
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_show_source_name: Option<bool>,
    /// If true, the legend uses non-summarized stats instead of summarized
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_legend_use_raw_stats: Option<bool>,
    /// For the tabular view, whether to group multi metrics into a single row by a common source.  If false, each metric for each source is displayed in its own row.  If true, multiple metrics for the same host will be displayed as different columns in the same row
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by_source: Option<bool>,
    /// Whether to disable the display of the floating legend (but reenable it when the ctrl-key is pressed)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invert_dynamic_legend_hover_control: Option<bool>,
    /// Plot interpolation type.  linear is default
    /// One of: `linear`, `step-before`, `step-after`, `basis`, `cardinal`, `monotone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_type: Option<String>,
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs_table: Option<Value>,
    /// Max value of Y-axis.  Set to null or leave blank for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Min value of Y-axis.  Set to null or leave blank for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// For the tabular view, how many point tags to display
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_tags: Option<i64>,
    /// The Markdown content for a Markdown display, in plain text.  Use this field instead of `markdownContent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_markdown_content: Option<String>,
    /// For the tabular view, whether to display sources.  Default: true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_hosts: Option<bool>,
    /// For the tabular view, whether to display labels.  Default: true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_labels: Option<bool>,
    /// For the tabular view, whether to display raw values.  Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_raw_values: Option<bool>,
    /// For the tabular view, whether to display value column.  Default: true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_value_column: Option<bool>,
    /// For the tabular view, whether to display display values in descending order.  Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_values_descending: Option<bool>,
    /// For the single stat view, the decimal precision of the displayed number
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_decimal_precision: Option<i64>,
    /// For the single stat view, the color of the displayed text (when not dynamically determined). Values should be in "rgba(&lt;rval&gt;, &lt;gval&gt;, &lt;bval&gt;, &lt;aval&gt;)" format
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_color: Option<String>,
    /// For the single stat view, the font size of the displayed text, in percent
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_font_size: Option<String>,
    /// For the single stat view, the horizontal position of the displayed text
    /// One of: `MIDDLE`, `LEFT`, `RIGHT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_horizontal_position: Option<String>,
    /// For the single stat view, a string to append to the displayed text
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_postfix: Option<String>,
    /// For the single stat view, a string to add before the displayed text
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_prefix: Option<String>,
    /// For the single stat view, whether to display the name of the query or the value of query
    /// One of: `VALUE`, `LABEL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_value_type: Option<String>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_display_vertical_position: Option<String>,
    /// For the single stat view, the color of the background fill. Values should be in "rgba(&lt;rval&gt;, &lt;gval&gt;, &lt;bval&gt;, &lt;aval&gt;)" format
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_fill_color: Option<String>,
    /// For the single stat view, the color of the line. Values should be in "rgba(&lt;rval&gt;, &lt;gval&gt;, &lt;bval&gt;, &lt;aval&gt;)" format
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_line_color: Option<String>,
    /// For the single stat view, a misleadingly named property.  This determines whether the sparkline of the statistic is displayed in the chart BACKGROUND, BOTTOM, or NONE
    /// One of: `BACKGROUND`, `BOTTOM`, `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_size: Option<String>,
    /// For the single stat view, whether to apply dynamic color settings to the displayed TEXT or BACKGROUND
    /// One of: `TEXT`, `BACKGROUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_color_map_apply_to: Option<String>,
    /// For the single stat view, a list of colors that differing query values map to.  Must contain one more element than sparklineValueColorMapValuesV2. Values should be in "rgba(&lt;rval&gt;, &lt;gval&gt;, &lt;bval&gt;, &lt;aval&gt;)" format
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_color_map_colors: Option<Vec<String>>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_color_map_values: Option<Vec<i64>>,
    /// For the single stat view, a list of boundaries for mapping different query values to colors.  Must contain one less element than sparklineValueColorMapColors
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_color_map_values_v2: Option<Vec<f64>>,
    /// For the single stat view, a list of display text values that different query values map to.  Must contain one more element than sparklineValueTextMapThresholds
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_text_map_text: Option<Vec<String>>,
    /// For the single stat view, a list of threshold boundaries for mapping different query values to display text. Must contain one less element than sparklineValueTextMapText
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline_value_text_map_thresholds: Option<Vec<f64>>,
    /// Type of stacked chart (applicable only if chart type is stacked).  zero (default) means stacked from y=0.  expand means Normalized from 0 to 1.  wiggle means Minimize weighted changes. silhouette means to Center the Stream
    /// One of: `zero`, `expand`, `wiggle`, `silhouette`, `bars`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_type: Option<String>,
    /// For the tabular view, which mode to use to determine which point tags to display
    /// One of: `all`, `top`, `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_mode: Option<String>,
    /// For x-y scatterplots, whether to color more recent points as darker than older points. Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_based_coloring: Option<bool>,
    /// Chart Type.  'line' refers to the Line Plot, 'scatter' to the Point Plot, 'stacked-area' to the Stacked Area plot, 'table' to the Tabular View, 'scatterploy-xy' to Scatter Plot, 'markdown-widget' to the Markdown display, and 'sparkline' to the Single Stat view
    /// One of: `line`, `scatterplot`, `stacked-area`, `stacked-column`, `table`, `scatterplot-xy`, `markdown-widget`, `sparkline`, `globe`, `nodemap`, `top-k`, `status-list`, `histogram`, `heatmap`, `gauge`, `pie`.
    pub r#type: String,
    /// Width, in minutes, of the time window to use for "last" windowing
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_size: Option<i64>,
    /// For the tabular view, whether to use the full time window for the query or the last X minutes
    /// One of: `full`, `last`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windowing: Option<String>,
    /// For x-y scatterplots, max value for X-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xmax: Option<f64>,
    /// For x-y scatterplots, min value for X-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xmin: Option<f64>,
    /// Default: false. Whether to scale numerical magnitude labels for left Y-axis by 1024 in the IEC/Binary manner (instead of by 1000 like SI)
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "y0ScaleSIBy1024"
    )]
    pub y0_scale_si_by1024: Option<bool>,
    /// Default: false. Whether to automatically adjust magnitude labels and units for the left Y-axis to favor smaller magnitudes and larger units
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y0_unit_autoscaling: Option<bool>,
    /// For plots with multiple Y-axes, max value for right-side Y-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y1_max: Option<f64>,
    /// For plots with multiple Y-axes, min value for right-side Y-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y1_min: Option<f64>,
    /// Default: false. Whether to scale numerical magnitude labels for right Y-axis by 1024 in the IEC/Binary manner (instead of by 1000 like SI)
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "y1ScaleSIBy1024"
    )]
    pub y1_scale_si_by1024: Option<bool>,
    /// Default: false. Whether to automatically adjust magnitude labels and units for the right Y-axis to favor smaller magnitudes and larger units
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y1_unit_autoscaling: Option<bool>,
    /// For plots with multiple Y-axes, units for right-side Y-axis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y1_units: Option<String>,
    /// For x-y scatterplots, max value for Y-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ymax: Option<f64>,
    /// For x-y scatterplots, min value for Y-axis.  Set null for auto
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ymin: Option<f64>,
}

/// `DashboardParameterValue`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardParameterValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_all: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// One of: `SOURCE`, `SOURCE_TAG`, `METRIC_NAME`, `TAG_KEY`, `MATCHING_SOURCE_TAG`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_field_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_from_view: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multivalue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// One of: `SIMPLE`, `LIST`, `DYNAMIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_value: Option<String>,
    /// Whether to reverse alphabetically sort the returned result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_dyn_sort: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_key: Option<String>,
    /// The regular expression to filter out source tags from the Current Values list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags_black_list_regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_ordering: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values_to_readable_strings: Option<BTreeMap<String, String>>,
}
