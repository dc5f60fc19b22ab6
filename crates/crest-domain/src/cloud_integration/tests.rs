//! Tests of `prepare`, the secrets and the stored form, across every service.

use serde_json::{Map, Value, json};

use super::*;

const GCP_KEY: &str = r#"{"type":"service_account","project_id":"p1","private_key":"-----BEGIN"}"#;

/// The smallest configuration each service accepts.
fn minimal_config(service: CloudService) -> Value {
    let aws =
        json!({"baseCredentials": {"roleArn": "arn:aws:iam::1:role/r", "externalId": "ext-1"}});
    let azure =
        json!({"baseCredentials": {"clientId": "cid", "clientSecret": "csecret", "tenant": "t"}});
    match service {
        CloudService::CloudWatch | CloudService::Ec2 => aws,
        CloudService::CloudTrail => {
            let mut c = aws;
            c["bucketName"] = json!("bucket");
            c["region"] = json!("us-west-2");
            c
        }
        CloudService::Gcp => json!({"projectId": "p1", "gcpJsonKey": GCP_KEY}),
        CloudService::GcpBilling => {
            json!({"projectId": "p1", "gcpJsonKey": GCP_KEY, "gcpApiKey": "api-key"})
        }
        CloudService::Azure | CloudService::AzureActivityLog => azure,
        CloudService::NewRelic => json!({"apiKey": "nr-key"}),
        CloudService::AppDynamics => {
            json!({"controllerName": "ctl", "userName": "u@acct", "encryptedPassword": "pw"})
        }
        CloudService::Vrops => json!({"vropsAPIToken": "vr-token"}),
        CloudService::Snowflake => {
            json!({"accountID": "acct", "userName": "u", "privateKey": "pk", "password": "pw"})
        }
        CloudService::Dynatrace => json!({"dynatraceAPIToken": "dt-token"}),
    }
}

fn body(service: CloudService) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!("integration"));
    m.insert("service".into(), json!(service.as_str()));
    m.insert(service.config_key().into(), minimal_config(service));
    m
}

fn body_with(service: CloudService, config: Value) -> Map<String, Value> {
    let mut m = body(service);
    m.insert(service.config_key().into(), config);
    m
}

fn refused(input: Map<String, Value>) -> CloudIntegrationError {
    match prepare(input, None) {
        Ok(s) => panic!("accepted: {s:?}"),
        Err(e) => e,
    }
}

fn accepted(
    input: Map<String, Value>,
    stored: Option<&IntegrationSettings>,
) -> IntegrationSettings {
    match prepare(input, stored) {
        Ok(s) => s,
        Err(e) => panic!("refused: {e}"),
    }
}

fn config(s: &IntegrationSettings) -> &Value {
    &s.settings[s.service.config_key()]
}

/// Sets the value at a dotted path inside a JSON object.
fn set(v: &mut Value, path: &[&str], value: Value) {
    let (leaf, steps) = path.split_last().unwrap();
    let mut at = v;
    for s in steps {
        at = &mut at[*s];
    }
    at[*leaf] = value;
}

fn get<'v>(v: &'v Value, path: &[&str]) -> &'v Value {
    path.iter().fold(v, |at, s| &at[*s])
}

#[test]
fn every_service_minimal_body_is_accepted() {
    for service in CloudService::ALL {
        let s = accepted(body(service), None);
        assert_eq!(s.service, service);
        assert_eq!(s.name, "integration");
        assert_eq!(s.settings["service"], json!(service.as_str()));
        assert_eq!(config(&s), &minimal_config(service), "{service}");
        assert_eq!(s.settings["serviceRefreshRateInMins"], json!(5));
    }
}

#[test]
fn service_in_any_case_is_stored_as_the_enum_value() {
    for given in ["ec2", "Ec2", " EC2 "] {
        let mut b = body(CloudService::Ec2);
        b.insert("service".into(), json!(given));
        let s = accepted(b, None);
        assert_eq!(s.service, CloudService::Ec2);
        assert_eq!(s.settings["service"], json!("EC2"));
    }
}

#[test]
fn name_is_trimmed() {
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), json!("  my integration \n"));
    assert_eq!(accepted(b, None).settings["name"], json!("my integration"));
}

#[test]
fn name_refusals() {
    let mut b = body(CloudService::NewRelic);
    b.remove("name");
    assert_eq!(refused(b), CloudIntegrationError::NameRequired);
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), json!("   "));
    assert_eq!(refused(b), CloudIntegrationError::NameRequired);
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), Value::Null);
    assert_eq!(refused(b), CloudIntegrationError::NameRequired);
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), json!(7));
    assert!(matches!(refused(b), CloudIntegrationError::WrongType { path, .. } if path == "name"));
    for (hidden, code) in [
        ("a\u{7}b", 7),
        ("a\u{202E}b", 0x202E),
        ("a\u{200B}b", 0x200B),
    ] {
        let mut b = body(CloudService::NewRelic);
        b.insert("name".into(), json!(hidden));
        assert_eq!(refused(b), CloudIntegrationError::NameHidden { code });
    }
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), json!("é".repeat(MAX_NAME_CHARS)));
    assert!(prepare(b, None).is_ok());
    let mut b = body(CloudService::NewRelic);
    b.insert("name".into(), json!("x".repeat(MAX_NAME_CHARS + 1)));
    assert_eq!(
        refused(b),
        CloudIntegrationError::NameTooLong {
            len: MAX_NAME_CHARS + 1,
            max: MAX_NAME_CHARS
        }
    );
}

#[test]
fn service_refusals() {
    let mut b = body(CloudService::NewRelic);
    b.remove("service");
    assert_eq!(refused(b), CloudIntegrationError::ServiceRequired);
    let mut b = body(CloudService::NewRelic);
    b.insert("service".into(), json!(""));
    assert_eq!(refused(b), CloudIntegrationError::ServiceRequired);
    let mut b = body(CloudService::NewRelic);
    b.insert("service".into(), json!("DATADOG"));
    let e = refused(b);
    assert!(matches!(e, CloudIntegrationError::UnknownService { .. }));
    assert!(e.to_string().contains("NEWRELIC"), "{e}");
    let mut b = body(CloudService::NewRelic);
    b.insert("service".into(), json!(["NEWRELIC"]));
    assert!(matches!(
        refused(b),
        CloudIntegrationError::WrongType { .. }
    ));
}

#[test]
fn configuration_must_be_present_and_an_object() {
    for service in CloudService::ALL {
        let mut b = body(service);
        b.remove(service.config_key());
        // Another service's configuration does not count.
        let other = if service == CloudService::NewRelic {
            CloudService::Dynatrace
        } else {
            CloudService::NewRelic
        };
        b.insert(other.config_key().into(), minimal_config(other));
        assert_eq!(
            refused(b),
            CloudIntegrationError::ConfigurationMissing {
                service: service.as_str(),
                key: service.config_key()
            }
        );
        let b = body_with(service, json!("text"));
        assert_eq!(
            refused(b),
            CloudIntegrationError::NotAnObject {
                path: service.config_key().into()
            }
        );
        let b = body_with(service, Value::Null);
        assert!(matches!(
            refused(b),
            CloudIntegrationError::ConfigurationMissing { .. }
        ));
    }
}

/// The required string fields of each minimal configuration, as paths.
fn required_paths(service: CloudService) -> Vec<Vec<&'static str>> {
    let aws = vec![
        vec!["baseCredentials", "roleArn"],
        vec!["baseCredentials", "externalId"],
    ];
    let azure = vec![
        vec!["baseCredentials", "clientId"],
        vec!["baseCredentials", "clientSecret"],
        vec!["baseCredentials", "tenant"],
    ];
    match service {
        CloudService::CloudWatch | CloudService::Ec2 => aws,
        CloudService::CloudTrail => [aws, vec![vec!["bucketName"], vec!["region"]]].concat(),
        CloudService::Gcp => vec![vec!["projectId"], vec!["gcpJsonKey"]],
        CloudService::GcpBilling => vec![vec!["projectId"], vec!["gcpJsonKey"], vec!["gcpApiKey"]],
        CloudService::Azure | CloudService::AzureActivityLog => azure,
        CloudService::NewRelic => vec![vec!["apiKey"]],
        CloudService::AppDynamics => vec![
            vec!["controllerName"],
            vec!["userName"],
            vec!["encryptedPassword"],
        ],
        CloudService::Vrops => vec![vec!["vropsAPIToken"]],
        CloudService::Snowflake => vec![vec!["accountID"], vec!["userName"], vec!["privateKey"]],
        CloudService::Dynatrace => vec![vec!["dynatraceAPIToken"]],
    }
}

#[test]
fn every_required_field_is_required_and_non_blank() {
    for service in CloudService::ALL {
        for path in required_paths(service) {
            let full = format!("{}.{}", service.config_key(), path.join("."));
            let mut c = minimal_config(service);
            let (leaf, steps) = path.split_last().unwrap();
            get_mut(&mut c, steps)
                .as_object_mut()
                .unwrap()
                .remove(*leaf);
            let e = refused(body_with(service, c));
            assert_eq!(e, CloudIntegrationError::Required { path: full.clone() });
            assert_eq!(e.to_string(), format!("{full} is required"));

            let mut c = minimal_config(service);
            set(&mut c, &path, json!("  "));
            assert_eq!(
                refused(body_with(service, c)),
                CloudIntegrationError::Blank { path: full.clone() }
            );

            let mut c = minimal_config(service);
            set(&mut c, &path, json!(42));
            assert!(matches!(
                refused(body_with(service, c)),
                CloudIntegrationError::WrongType { path, .. } if path == full
            ));
        }
    }
}

fn get_mut<'v>(v: &'v mut Value, path: &[&str]) -> &'v mut Value {
    path.iter().fold(v, |at, s| &mut at[*s])
}

#[test]
fn base_credentials_are_required_for_aws_and_azure() {
    for service in CloudService::ALL
        .into_iter()
        .filter(|s| s.is_aws() || s.is_azure())
    {
        let path = format!("{}.baseCredentials", service.config_key());
        let mut c = minimal_config(service);
        c.as_object_mut().unwrap().remove("baseCredentials");
        assert_eq!(
            refused(body_with(service, c)),
            CloudIntegrationError::Required { path: path.clone() }
        );
        let mut c = minimal_config(service);
        c["baseCredentials"] = json!("arn");
        assert_eq!(
            refused(body_with(service, c)),
            CloudIntegrationError::NotAnObject { path }
        );
    }
}

/// Where a regex goes in a field: the field's value holding the regex.
type Wrap = fn(&str) -> Value;

/// Every regex field, as (service, path inside its configuration, value to put there).
fn regex_fields() -> Vec<(CloudService, Vec<&'static str>, Wrap)> {
    let plain: Wrap = |r| json!(r);
    let listed: Wrap = |r| json!(["ok.*", r]);
    let nested: Wrap = |r| json!([{"appName": "a", "metricFilterRegex": "ok"}, {"appName": "b", "metricFilterRegex": r}]);
    vec![
        (CloudService::CloudWatch, vec!["metricFilterRegex"], plain),
        (CloudService::CloudWatch, vec!["pointTagFilterRegex"], plain),
        (
            CloudService::CloudWatch,
            vec!["s3BucketNameFilterRegex"],
            plain,
        ),
        (CloudService::Ec2, vec!["metricFilterRegex"], plain),
        (CloudService::Ec2, vec!["pointTagFilterRegex"], plain),
        (CloudService::Gcp, vec!["metricFilterRegex"], plain),
        (CloudService::Azure, vec!["metricFilterRegex"], plain),
        (CloudService::NewRelic, vec!["appFilterRegex"], plain),
        (CloudService::NewRelic, vec!["hostFilterRegex"], plain),
        (
            CloudService::NewRelic,
            vec!["newRelicMetricFilters"],
            nested,
        ),
        (CloudService::AppDynamics, vec!["appFilterRegex"], listed),
        (CloudService::Vrops, vec!["metricFilterRegex"], plain),
        (CloudService::Snowflake, vec!["metricFilterRegex"], plain),
        (CloudService::Dynatrace, vec!["metricFilterRegex"], plain),
    ]
}

fn regex_path(service: CloudService, field: &[&str]) -> String {
    let base = format!("{}.{}", service.config_key(), field.join("."));
    match field {
        ["newRelicMetricFilters"] => format!("{base}[1].metricFilterRegex"),
        ["appFilterRegex"] if service == CloudService::AppDynamics => format!("{base}[1]"),
        _ => base,
    }
}

#[test]
fn java_regexes_are_accepted_in_every_regex_field() {
    for (service, field, wrap) in regex_fields() {
        for regex in [
            r"^aws.(sqs|ec2).*$",
            r"(?i)foo",
            r"(?<=a)b",
            r"(?!x)y",
            r"a*+b",
            r"\Qa.b\E",
            r"(?<name>x)",
            r"\p{javaLowerCase}\p{Lower}",
        ] {
            let mut c = minimal_config(service);
            set(&mut c, &field, wrap(regex));
            let s = accepted(body_with(service, c), None);
            assert_eq!(get(config(&s), &field), &wrap(regex));
        }
    }
}

#[test]
fn invalid_regexes_are_refused_naming_the_field() {
    for (service, field, wrap) in regex_fields() {
        let path = regex_path(service, &field);
        for regex in ["(", "[a-", "*a"] {
            let mut c = minimal_config(service);
            set(&mut c, &field, wrap(regex));
            let e = refused(body_with(service, c));
            assert!(
                matches!(&e, CloudIntegrationError::InvalidRegex { path: p, .. } if *p == path),
                "{e:?}"
            );
            assert!(e.to_string().starts_with(&path), "{e}");
        }
        let mut c = minimal_config(service);
        set(&mut c, &field, wrap(&"a".repeat(4097)));
        assert!(matches!(
            refused(body_with(service, c)),
            CloudIntegrationError::RegexTooLong { path: p, len: 4097, max: 4096 } if p == path
        ));
    }
}

#[test]
fn regex_fields_of_the_wrong_shape_are_refused() {
    let c = json!({"apiKey": "k", "newRelicMetricFilters": ["x"]});
    assert_eq!(
        refused(body_with(CloudService::NewRelic, c)),
        CloudIntegrationError::NotAnObject {
            path: "newRelic.newRelicMetricFilters[0]".into()
        }
    );
    let c = json!({"controllerName": "c", "userName": "u", "encryptedPassword": "p", "appFilterRegex": "x"});
    assert!(matches!(
        refused(body_with(CloudService::AppDynamics, c)),
        CloudIntegrationError::WrongType { path, .. } if path == "appDynamics.appFilterRegex"
    ));
    let c = json!({"dynatraceAPIToken": "t", "metricFilterRegex": 3});
    assert!(matches!(
        refused(body_with(CloudService::Dynatrace, c)),
        CloudIntegrationError::WrongType { .. }
    ));
}

#[test]
fn enum_lists_take_any_case_and_store_the_enum_value() {
    let cases = [
        (
            CloudService::Gcp,
            "categoriesToFetch",
            json!(["compute", " PubSub ", "APIGEE"]),
            json!(["COMPUTE", "PUBSUB", "APIGEE"]),
        ),
        (
            CloudService::Vrops,
            "categoriesToFetch",
            json!(["vmware_datastore"]),
            json!(["VMWARE_DATASTORE"]),
        ),
        (
            CloudService::AzureActivityLog,
            "categoryFilter",
            json!(["serviceHealth", "alert"]),
            json!(["SERVICEHEALTH", "ALERT"]),
        ),
    ];
    for (service, field, given, want) in cases {
        let mut c = minimal_config(service);
        c[field] = given;
        let s = accepted(body_with(service, c), None);
        assert_eq!(config(&s)[field], want);

        let mut c = minimal_config(service);
        c[field] = json!([want[0].clone(), "NOPE"]);
        let e = refused(body_with(service, c));
        let path = format!("{}.{field}[1]", service.config_key());
        assert!(
            matches!(&e, CloudIntegrationError::UnknownEnumValue { path: p, given, .. } if *p == path && given == "NOPE"),
            "{e:?}"
        );
        assert!(e.to_string().contains(want[0].as_str().unwrap()), "{e}");

        let mut c = minimal_config(service);
        c[field] = json!("COMPUTE");
        assert!(matches!(
            refused(body_with(service, c)),
            CloudIntegrationError::WrongType { .. }
        ));
    }
    // Azure (metrics) categoryFilter is free-form.
    let mut c = minimal_config(CloudService::Azure);
    c["categoryFilter"] = json!(["Microsoft.Compute/virtualMachines"]);
    assert!(prepare(body_with(CloudService::Azure, c), None).is_ok());
}

#[test]
fn refresh_rate_range_and_default() {
    for ok in [1, 5, 60, 1440] {
        let mut b = body(CloudService::Dynatrace);
        b.insert("serviceRefreshRateInMins".into(), json!(ok));
        assert_eq!(
            accepted(b, None).settings["serviceRefreshRateInMins"],
            json!(ok)
        );
    }
    for bad in [json!(0), json!(1441), json!(-5)] {
        let mut b = body(CloudService::Dynatrace);
        b.insert("serviceRefreshRateInMins".into(), bad);
        assert!(matches!(
            refused(b),
            CloudIntegrationError::RefreshRateOutOfRange {
                min: 1,
                max: 1440,
                ..
            }
        ));
    }
    for bad in [json!(2.5), json!("5")] {
        let mut b = body(CloudService::Dynatrace);
        b.insert("serviceRefreshRateInMins".into(), bad);
        assert!(matches!(
            refused(b),
            CloudIntegrationError::WrongType { .. }
        ));
    }
    let mut b = body(CloudService::Dynatrace);
    b.insert("serviceRefreshRateInMins".into(), Value::Null);
    assert_eq!(
        accepted(b, None).settings["serviceRefreshRateInMins"],
        json!(5)
    );
}

#[test]
fn additional_tags_keys_must_not_be_blank() {
    let mut b = body(CloudService::CloudWatch);
    b.insert(
        "additionalTags".into(),
        json!({"env": "prod", "team": "obs"}),
    );
    assert_eq!(
        accepted(b, None).settings["additionalTags"],
        json!({"env": "prod", "team": "obs"})
    );
    let mut b = body(CloudService::CloudWatch);
    b.insert("additionalTags".into(), json!({" ": "prod"}));
    assert_eq!(refused(b), CloudIntegrationError::BlankTagKey);
    let mut b = body(CloudService::CloudWatch);
    b.insert("additionalTags".into(), json!({"env": 1}));
    assert!(matches!(
        refused(b),
        CloudIntegrationError::WrongType { .. }
    ));
    let mut b = body(CloudService::CloudWatch);
    b.insert("additionalTags".into(), json!(["env"]));
    assert!(matches!(
        refused(b),
        CloudIntegrationError::NotAnObject { .. }
    ));
}

#[test]
fn server_fields_other_configs_and_unknown_properties_are_dropped() {
    let mut b = body(CloudService::CloudTrail);
    for (i, f) in SERVER_FIELDS.iter().enumerate() {
        b.insert((*f).into(), json!(i));
    }
    b.insert("newRelic".into(), minimal_config(CloudService::NewRelic));
    b.insert("gcp".into(), json!({"projectId": "x"}));
    b.insert("unknownThing".into(), json!(true));
    b.insert("reuseExternalIdCredential".into(), json!("other-id"));
    let s = accepted(b, None);
    let mut keys: Vec<&str> = s.settings.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "cloudTrail",
            "name",
            "reuseExternalIdCredential",
            "service",
            "serviceRefreshRateInMins"
        ]
    );
}

#[test]
fn nulls_count_as_absent() {
    let mut c = minimal_config(CloudService::CloudWatch);
    c["metricFilterRegex"] = Value::Null;
    c["namespaces"] = Value::Null;
    let mut b = body_with(CloudService::CloudWatch, c);
    b.insert("additionalTags".into(), Value::Null);
    b.insert("id".into(), Value::Null);
    let s = accepted(b, None);
    assert_eq!(config(&s), &minimal_config(CloudService::CloudWatch));
    assert!(!s.settings.contains_key("additionalTags"));
}

/// Every secret field, as (service, path inside its configuration).
fn secret_fields() -> Vec<(CloudService, &'static [&'static str])> {
    CloudService::ALL
        .into_iter()
        .flat_map(|s| secret_paths(s).iter().map(move |p| (s, *p)))
        .collect()
}

#[test]
fn the_secret_fields_are_the_documented_ones() {
    let names: Vec<String> = secret_fields()
        .into_iter()
        .map(|(s, p)| format!("{}.{}", s.config_key(), p.join(".")))
        .collect();
    assert_eq!(
        names,
        [
            "gcp.gcpJsonKey",
            "gcpBilling.gcpJsonKey",
            "gcpBilling.gcpApiKey",
            "azure.baseCredentials.clientSecret",
            "azureActivityLog.baseCredentials.clientSecret",
            "newRelic.apiKey",
            "appDynamics.encryptedPassword",
            "vrops.vropsAPIToken",
            "snowflake.privateKey",
            "snowflake.password",
            "dynatrace.dynatraceAPIToken",
        ]
    );
}

fn keep_values_for(path: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = KEEP_VALUES.iter().map(|v| (*v).to_owned()).collect();
    if path == ["gcpJsonKey"] {
        values.push(r#"{"project_id": "%s"}"#.to_owned());
        values.push(r#"{"project_id":"another-project"}"#.to_owned());
    }
    values
}

#[test]
fn keep_values_keep_the_stored_secret_and_new_values_replace_it() {
    for (service, path) in secret_fields() {
        let stored = accepted(body(service), None);
        let original = get(config(&stored), path).clone();
        assert!(original.is_string());
        for keep in keep_values_for(path) {
            let mut c = minimal_config(service);
            set(&mut c, path, json!(keep));
            let updated = accepted(body_with(service, c), Some(&stored));
            assert_eq!(
                get(config(&updated), path),
                &original,
                "{service} {path:?} {keep}"
            );
            // And round-trips through the stored form.
            let back = IntegrationSettings::from_stored(&updated.to_stored()).unwrap();
            assert_eq!(get(config(&back), path), &original);
        }
        let mut c = minimal_config(service);
        set(&mut c, path, json!("brand-new-secret"));
        let updated = accepted(body_with(service, c), Some(&stored));
        assert_eq!(get(config(&updated), path), &json!("brand-new-secret"));
    }
}

#[test]
fn keep_values_on_create_are_refused() {
    for (service, path) in secret_fields() {
        for keep in keep_values_for(path) {
            let mut c = minimal_config(service);
            set(&mut c, path, json!(keep));
            let full = format!("{}.{}", service.config_key(), path.join("."));
            assert_eq!(
                refused(body_with(service, c)),
                CloudIntegrationError::KeepOnCreate { path: full }
            );
        }
    }
}

#[test]
fn keep_values_need_a_stored_secret_of_the_same_service() {
    // Stored integration of another service.
    let other = accepted(body(CloudService::Dynatrace), None);
    let mut c = minimal_config(CloudService::NewRelic);
    c["apiKey"] = json!(SECRET_PLACEHOLDER);
    assert_eq!(
        prepare(body_with(CloudService::NewRelic, c), Some(&other)).err(),
        Some(CloudIntegrationError::NothingStoredToKeep {
            path: "newRelic.apiKey".into()
        })
    );
    // Azure and AzureActivityLog are different services even with the same secret field.
    let azure = accepted(body(CloudService::Azure), None);
    let mut c = minimal_config(CloudService::AzureActivityLog);
    c["baseCredentials"]["clientSecret"] = json!("saved_secret");
    assert!(matches!(
        prepare(body_with(CloudService::AzureActivityLog, c), Some(&azure)),
        Err(CloudIntegrationError::NothingStoredToKeep { .. })
    ));
    // Same service, secret never stored (the optional Snowflake password).
    let mut c = minimal_config(CloudService::Snowflake);
    c.as_object_mut().unwrap().remove("password");
    let stored = accepted(body_with(CloudService::Snowflake, c), None);
    let mut c = minimal_config(CloudService::Snowflake);
    c["password"] = json!(SECRET_PLACEHOLDER);
    assert_eq!(
        prepare(body_with(CloudService::Snowflake, c), Some(&stored)).err(),
        Some(CloudIntegrationError::NothingStoredToKeep {
            path: "snowflake.password".into()
        })
    );
}

#[test]
fn a_full_gcp_json_key_is_not_a_keep_value() {
    let stored = accepted(body(CloudService::Gcp), None);
    let mut c = minimal_config(CloudService::Gcp);
    let new_key = r#"{"project_id":"p2","private_key":"k"}"#;
    c["gcpJsonKey"] = json!(new_key);
    let updated = accepted(body_with(CloudService::Gcp, c), Some(&stored));
    assert_eq!(config(&updated)["gcpJsonKey"], json!(new_key));
}

#[test]
fn aws_external_id_is_kept_when_an_update_omits_it() {
    for service in CloudService::ALL.into_iter().filter(|s| s.is_aws()) {
        let stored = accepted(body(service), None);
        let mut c = minimal_config(service);
        c["baseCredentials"] = json!({"roleArn": "arn:aws:iam::1:role/other"});
        let updated = accepted(body_with(service, c.clone()), Some(&stored));
        assert_eq!(
            config(&updated)["baseCredentials"]["externalId"],
            json!("ext-1")
        );
        assert_eq!(
            config(&updated)["baseCredentials"]["roleArn"],
            json!("arn:aws:iam::1:role/other")
        );
        // Not on create, nor from another service.
        let path = format!("{}.baseCredentials.externalId", service.config_key());
        assert_eq!(
            prepare(body_with(service, c.clone()), None).err(),
            Some(CloudIntegrationError::Required { path: path.clone() })
        );
        let other = accepted(body(CloudService::NewRelic), None);
        assert_eq!(
            prepare(body_with(service, c), Some(&other)).err(),
            Some(CloudIntegrationError::Required { path })
        );
    }
}

#[test]
fn masked_hides_every_present_secret() {
    for service in CloudService::ALL {
        let s = accepted(body(service), None);
        let m = masked(&s);
        for path in secret_paths(service) {
            assert_eq!(
                get(&m[service.config_key()], path),
                &json!(SECRET_PLACEHOLDER)
            );
        }
        let rendered = format!("{:?} {}", s, Value::Object(m.clone()));
        for secret in [
            "csecret", "nr-key", "vr-token", "dt-token", "api-key", "BEGIN",
        ] {
            assert!(!rendered.contains(secret), "{rendered}");
        }
        // Non-secrets stay.
        assert_eq!(m["name"], json!("integration"));
        if service.is_aws() {
            assert_eq!(
                m[service.config_key()]["baseCredentials"]["externalId"],
                json!("ext-1")
            );
        }
    }
    // An absent optional secret is not invented.
    let mut c = minimal_config(CloudService::Snowflake);
    c.as_object_mut().unwrap().remove("password");
    let s = accepted(body_with(CloudService::Snowflake, c), None);
    assert!(masked(&s)["snowflake"].get("password").is_none());
}

#[test]
fn masked_settings_sent_back_keep_every_secret() {
    for service in CloudService::ALL {
        let stored = accepted(body(service), None);
        let updated = accepted(masked(&stored), Some(&stored));
        assert_eq!(updated, stored, "{service}");
    }
}

#[test]
fn stored_form_round_trips() {
    for service in CloudService::ALL {
        let mut b = body(service);
        b.insert("additionalTags".into(), json!({"k": "v"}));
        let s = accepted(b, None);
        assert_eq!(IntegrationSettings::from_stored(&s.to_stored()), Ok(s));
    }
    for bad in [
        "",
        "[]",
        "{}",
        r#"{"name":"n","service":"NOPE"}"#,
        r#"{"name":"n","service":"EC2"}"#,
    ] {
        assert!(matches!(
            IntegrationSettings::from_stored(bad),
            Err(CloudIntegrationError::Stored(_))
        ));
    }
}

#[test]
fn refusals_become_invalid_domain_errors() {
    let e: crate::DomainError = CloudIntegrationError::NameRequired.into();
    assert!(matches!(e, crate::DomainError::Invalid(m) if m == "name is required"));
    let e: crate::DomainError = CloudIntegrationError::Stored("x".into()).into();
    assert!(matches!(e, crate::DomainError::Internal(_)));
}
