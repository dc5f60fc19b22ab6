//! Cloud integrations over HTTP: validation, the server's fields, credentials kept and never
//! shown, the trash (with a clock moved by hand, never a sleep), search, and the permission.

use crest_domain::clock::Clock;
use crest_domain::cloud_integration::{CloudIntegrationStore, SECRET_PLACEHOLDER};
use crest_domain::trash::{RETENTION_MS, TrashStore, expiry_cutoff};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_error_envelope, call, service_account_token, status_as};

const BASE: &str = "/api/v2/cloudintegration";

fn cloudwatch(name: &str) -> Value {
    json!({
        "name": name, "service": "CLOUDWATCH",
        "cloudWatch": {"metricFilterRegex": "^aws.(sqs|ec2).*$", "namespaces": ["AWS/EC2"],
                       "baseCredentials": {"roleArn": "arn:aws:iam::123456789012:role/crest",
                                           "externalId": "ext-1"}}
    })
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, got) = call(app, Method::POST, BASE, Some(body)).await;
    assert_eq!(status, 200, "{got}");
    got["response"].clone()
}

async fn count(app: &TestApp) -> usize {
    let (_, all) = call(app, Method::GET, &format!("{BASE}?limit=1000"), None).await;
    all["response"]["items"].as_array().expect("items").len()
}

/// What the store holds for an integration, secrets included.
async fn stored(app: &TestApp, id: &str) -> Value {
    let store = app.server.as_ref().expect("running").store.clone();
    let record = store
        .cloud_integration(id)
        .await
        .expect("read")
        .expect("stored");
    serde_json::from_str(&record.settings).expect("JSON")
}

#[tokio::test]
async fn each_invalid_integration_is_refused_clearly_and_nothing_is_created() {
    let app = TestApp::spawn().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"service": "CLOUDWATCH", "cloudWatch": {}}), "name"),
        (json!({"name": "x"}), "service"),
        (json!({"name": "x", "service": "S3"}), "S3"),
        (json!({"name": "x", "service": "ec2"}), "ec2"),
        (
            json!({"name": "x", "service": "EC2", "ec2": {"baseCredentials": {"externalId": "e"}}}),
            "roleArn",
        ),
        (
            json!({"name": "x", "service": "CLOUDTRAIL", "cloudTrail": {"region": "us-east-1",
                   "baseCredentials": {"roleArn": "r", "externalId": "e"}}}),
            "bucketName",
        ),
        (
            json!({"name": "x", "service": "CLOUDWATCH", "cloudWatch": {"metricFilterRegex": "(",
                   "baseCredentials": {"roleArn": "r", "externalId": "e"}}}),
            "metricFilterRegex",
        ),
        (
            json!({"name": "x", "service": "GCP", "gcp": {"projectId": "p", "gcpJsonKey": "{}",
                   "categoriesToFetch": ["COMPUTE", "TELEPORT"]}}),
            "TELEPORT",
        ),
        (
            json!({"name": "x", "service": "NEWRELIC", "serviceRefreshRateInMins": 0,
                   "newRelic": {"apiKey": "k"}}),
            "serviceRefreshRateInMins",
        ),
        (
            json!({"name": "x", "service": "AZURE", "azure": {"baseCredentials":
                   {"clientId": "c", "tenant": "t", "clientSecret": "saved_secret"}}}),
            "clientSecret",
        ),
        (
            json!({"name": "x", "service": "NEWRELIC", "newRelic": {"apiKey": 5}}),
            "apiKey",
        ),
        (
            json!({"name": "x", "service": "NEWRELIC", "newRelic": "k"}),
            "newRelic",
        ),
    ];
    for (body, hint) in cases {
        let (status, got) = call(&app, Method::POST, BASE, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} → {got}");
        assert_error_envelope(&got, 400);
        let message = got["status"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(hint),
            "{body}: '{message}' should name {hint}"
        );
    }
    assert_eq!(count(&app).await, 0);

    // Java regexes the real service took: lookaround, possessive quantifiers, \Q…\E.
    let body = json!({"name": "java", "service": "cloudwatch", "cloudWatch": {
        "metricFilterRegex": "(?<=aws\\.)ec2(?!\\.internal)", "pointTagFilterRegex": "a*+b",
        "s3BucketNameFilterRegex": "\\Qlogs.prod\\E.*",
        "baseCredentials": {"roleArn": "r", "externalId": "e"}}});
    assert_eq!(create(&app, body).await["service"], "CLOUDWATCH");
}

#[tokio::test]
async fn the_servers_fields_are_the_servers() {
    let app = TestApp::spawn().await;
    let mut body = cloudwatch("mine");
    for (k, v) in [
        ("id", json!("chosen-by-client")),
        ("createdEpochMillis", json!(1)),
        ("creatorId", json!("someone-else")),
        ("updaterId", json!("someone-else")),
        ("inTrash", json!(true)),
        ("deleted", json!(true)),
        ("disabled", json!(true)),
        ("lastError", json!("forged")),
    ] {
        body[k] = v;
    }
    let got = create(&app, body.clone()).await;
    let id = got["id"].as_str().expect("id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert!(got["createdEpochMillis"].as_i64().expect("created") > 1);
    assert_eq!(got["creatorId"], crate::support::ADMIN);
    assert_eq!(got["inTrash"], false);
    assert_eq!(got["deleted"], false);
    assert_eq!(got["disabled"], false);
    assert!(got.get("lastError").is_none(), "{got}");

    // An update cannot move it either; an id in the body must be the path's.
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{BASE}/{id}"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 400);
    body["id"] = json!(id);
    let (status, updated) = call(&app, Method::PUT, &format!("{BASE}/{id}"), Some(body)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["response"]["inTrash"], false);
    assert_eq!(
        updated["response"]["createdEpochMillis"],
        got["createdEpochMillis"]
    );
}

#[tokio::test]
async fn credentials_are_kept_when_sent_back_and_never_shown() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"name": "nr", "service": "NEWRELIC", "newRelic": {"apiKey": "nr-secret-1"}}),
            vec!["newRelic", "apiKey"],
            "nr-secret-1",
            json!(SECRET_PLACEHOLDER),
        ),
        (
            json!({"name": "az", "service": "AZURE", "azure": {"baseCredentials":
                   {"clientId": "c", "tenant": "t", "clientSecret": "az-secret-1"}}}),
            vec!["azure", "baseCredentials", "clientSecret"],
            "az-secret-1",
            json!("saved_secret"),
        ),
        (
            json!({"name": "gb", "service": "GCPBILLING", "gcpBilling":
                   {"projectId": "p", "gcpJsonKey": "{\"private_key\": \"gcp-key-1\"}", "gcpApiKey": "gcp-api-1"}}),
            vec!["gcpBilling", "gcpApiKey"],
            "gcp-api-1",
            json!("saved_api_key"),
        ),
        (
            json!({"name": "gcp", "service": "GCP", "gcp":
                   {"projectId": "p", "gcpJsonKey": "{\"private_key\": \"gcp-key-2\"}"}}),
            vec!["gcp", "gcpJsonKey"],
            "{\"private_key\": \"gcp-key-2\"}",
            json!("{\"project_id\": \"p\"}"),
        ),
    ];
    for (body, path, secret, keep) in cases {
        let created = create(&app, body).await;
        let id = created["id"].as_str().expect("id").to_owned();
        let pointer = format!("/{}", path.join("/"));
        assert_eq!(created.pointer(&pointer), Some(&json!(SECRET_PLACEHOLDER)));
        let (_, read) = call(&app, Method::GET, &format!("{BASE}/{id}"), None).await;
        assert!(!read.to_string().contains(secret), "{read}");

        // Sent back as read (the placeholder), then as the documented keep-value: kept.
        let mut again = read["response"].clone();
        again["serviceRefreshRateInMins"] = json!(7);
        let (status, got) = call(
            &app,
            Method::PUT,
            &format!("{BASE}/{id}"),
            Some(again.clone()),
        )
        .await;
        assert_eq!(status, 200, "{got}");
        assert_eq!(
            stored(&app, &id).await.pointer(&pointer),
            Some(&json!(secret))
        );
        *again.pointer_mut(&pointer).expect("field") = keep;
        let (status, got) = call(
            &app,
            Method::PUT,
            &format!("{BASE}/{id}"),
            Some(again.clone()),
        )
        .await;
        assert_eq!(status, 200, "{got}");
        assert_eq!(
            stored(&app, &id).await.pointer(&pointer),
            Some(&json!(secret))
        );
        assert!(!got.to_string().contains(secret));

        // A new value replaces it.
        *again.pointer_mut(&pointer).expect("field") = json!("replaced-secret");
        call(&app, Method::PUT, &format!("{BASE}/{id}"), Some(again)).await;
        assert_eq!(
            stored(&app, &id).await.pointer(&pointer),
            Some(&json!("replaced-secret"))
        );
    }

    // The AWS external id is kept when an update leaves it out.
    let created = create(&app, cloudwatch("aws")).await;
    let id = created["id"].as_str().expect("id");
    let mut body = cloudwatch("aws");
    body["cloudWatch"]["baseCredentials"] =
        json!({"roleArn": "arn:aws:iam::123456789012:role/other"});
    let (status, got) = call(&app, Method::PUT, &format!("{BASE}/{id}"), Some(body)).await;
    assert_eq!(status, 200, "{got}");
    let kept = stored(&app, id).await;
    assert_eq!(kept["cloudWatch"]["baseCredentials"]["externalId"], "ext-1");
    assert_eq!(
        kept["cloudWatch"]["baseCredentials"]["roleArn"],
        "arn:aws:iam::123456789012:role/other"
    );
}

#[tokio::test]
async fn the_trash_keeps_deleted_integrations_for_thirty_days() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    let id = create(&app, cloudwatch("trashy")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let one = format!("{BASE}/{id}");

    // Undeleting what is not in the trash is refused; a delete moves it there.
    let (status, _) = call(&app, Method::POST, &format!("{one}/undelete"), None).await;
    assert_eq!(status, 400);
    let (status, got) = call(&app, Method::DELETE, &one, None).await;
    assert_eq!(status, 200);
    assert_eq!(got["response"]["inTrash"], true);
    assert_eq!(got["response"]["deleted"], true);
    assert_eq!(count(&app).await, 0);
    let (_, trashed) = call(
        &app,
        Method::POST,
        "/api/v2/search/cloudintegration/deleted",
        Some(json!({})),
    )
    .await;
    assert_eq!(trashed["response"]["items"][0]["id"], id.as_str());
    // In the trash it cannot change.
    let (status, _) = call(&app, Method::POST, &format!("{one}/disable"), None).await;
    assert_eq!(status, 409);

    let (_, got) = call(&app, Method::POST, &format!("{one}/undelete"), None).await;
    assert_eq!(got["response"]["inTrash"], false);
    assert_eq!(count(&app).await, 1);

    // After 30 days in the trash it is gone, even before the sweeper runs.
    call(&app, Method::DELETE, &one, None).await;
    clock.advance(RETENTION_MS - 1);
    assert_eq!(call(&app, Method::GET, &one, None).await.0, 200);
    clock.advance(1);
    let (status, got) = call(&app, Method::GET, &one, None).await;
    assert_eq!(status, 404);
    assert_error_envelope(&got, 404);
    assert_eq!(
        call(&app, Method::POST, &format!("{one}/undelete"), None)
            .await
            .0,
        404
    );
    let (_, trashed) = call(
        &app,
        Method::POST,
        "/api/v2/search/cloudintegration/deleted",
        Some(json!({})),
    )
    .await;
    assert_eq!(trashed["response"]["totalItems"], 0);
    let store = app.server.as_ref().expect("running").store.clone();
    let removed = store
        .purge_expired(expiry_cutoff(clock.now_millis()))
        .await
        .expect("purge");
    assert_eq!(removed, 1);

    // skipTrash, and a delete of what is in the trash, remove for good.
    let a = create(&app, cloudwatch("a")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{BASE}/{a}?skipTrash=true"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        call(&app, Method::GET, &format!("{BASE}/{a}"), None)
            .await
            .0,
        404
    );
    let b = create(&app, cloudwatch("b")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    call(&app, Method::DELETE, &format!("{BASE}/{b}"), None).await;
    call(&app, Method::DELETE, &format!("{BASE}/{b}"), None).await;
    assert_eq!(
        call(&app, Method::GET, &format!("{BASE}/{b}"), None)
            .await
            .0,
        404
    );
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{BASE}/{b}?skipTrash=maybe"),
        None,
    )
    .await;
    assert_eq!(status, 400);
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn searches_negate_bound_sort_stably_and_count_facets() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    let start = clock.now_millis();
    for (name, service, body) in [
        ("cw-1", "CLOUDWATCH", cloudwatch("cw-1")),
        (
            "nr-1",
            "NEWRELIC",
            json!({"name": "nr-1", "service": "NEWRELIC", "newRelic": {"apiKey": "k"}}),
        ),
        ("cw-2", "CLOUDWATCH", cloudwatch("cw-2")),
        (
            "dt-1",
            "DYNATRACE",
            json!({"name": "dt-1", "service": "DYNATRACE", "dynatrace": {"dynatraceAPIToken": "t"}}),
        ),
        ("cw-3", "CLOUDWATCH", cloudwatch("cw-3")),
    ] {
        let got = create(&app, body).await;
        assert_eq!(got["name"], name);
        assert_eq!(got["service"], service);
        clock.advance(1000);
    }
    let search = |body: Value| {
        let app = &app;
        async move {
            let (status, got) = call(
                app,
                Method::POST,
                "/api/v2/search/cloudintegration",
                Some(body),
            )
            .await;
            assert_eq!(status, 200, "{got}");
            got["response"].clone()
        }
    };
    // Negation.
    let got = search(json!({"query": [{"key": "service", "value": "cloudwatch", "matchingMethod": "EXACT", "negated": true}],
                            "sort": {"field": "name", "ascending": true}})).await;
    assert_eq!(names(&got), ["dt-1", "nr-1"]);
    // An inclusive range on creation time: the second to the fourth.
    let got = search(json!({"query": [{"key": "createdEpochMillis", "start": start + 1000, "end": start + 3000}]})).await;
    assert_eq!(names(&got), ["nr-1", "cw-2", "dt-1"]);
    // Sorted by a field most share, two at a time: ties keep creation order on every page.
    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let page = search(
            json!({"sort": {"field": "service", "ascending": true}, "offset": offset, "limit": 2}),
        )
        .await;
        assert_eq!(page["totalItems"], 5);
        assert_eq!(page["moreItems"], offset < 4);
        seen.extend(names(&page));
    }
    assert_eq!(seen, ["cw-1", "cw-2", "cw-3", "dt-1", "nr-1"]);
    // Nested configuration keys are searchable; credentials are not (they read as the placeholder).
    let got = search(
        json!({"query": [{"key": "newRelic.apiKey", "value": "k", "matchingMethod": "EXACT"}]}),
    )
    .await;
    assert_eq!(got["totalItems"], 0);
    // Facets.
    let (_, facets) = call(
        &app,
        Method::POST,
        "/api/v2/search/cloudintegration/facets",
        Some(json!({"facets": ["service"]})),
    )
    .await;
    assert_eq!(
        facets["response"]["facets"]["service"],
        json!(["CLOUDWATCH", "DYNATRACE", "NEWRELIC"])
    );
    let (_, facet) = call(
        &app,
        Method::POST,
        "/api/v2/search/cloudintegration/service",
        Some(json!({"facetQuery": "new"})),
    )
    .await;
    assert_eq!(facet["response"]["items"], json!(["NEWRELIC"]));
    // An unknown key is a clear 400.
    let (status, got) = call(
        &app,
        Method::POST,
        "/api/v2/search/cloudintegration",
        Some(json!({"query": [{"key": "secret", "value": "x"}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        got["status"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("secret")
    );
}

#[tokio::test]
async fn writes_need_the_proxies_permission_and_reads_do_not() {
    let app = TestApp::spawn().await;
    let token = service_account_token(&app, "ops").await;
    let id = create(&app, cloudwatch("theirs")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(status_as(&app, &token, Method::GET, BASE, None).await, 200);
    assert_eq!(
        status_as(&app, &token, Method::GET, &format!("{BASE}/{id}"), None).await,
        200
    );
    assert_eq!(
        status_as(&app, &token, Method::POST, BASE, Some(cloudwatch("denied"))).await,
        403
    );
    assert_eq!(
        status_as(&app, &token, Method::DELETE, &format!("{BASE}/{id}"), None).await,
        403
    );
    assert_eq!(
        status_as(
            &app,
            &token,
            Method::POST,
            &format!("{BASE}/{id}/disable"),
            None
        )
        .await,
        403
    );
    assert_eq!(
        status_as(
            &app,
            &token,
            Method::POST,
            &format!("{BASE}/awsExternalId"),
            None
        )
        .await,
        403
    );
    call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Aops/grant/agent_management",
        None,
    )
    .await;
    assert_eq!(
        status_as(
            &app,
            &token,
            Method::POST,
            BASE,
            Some(cloudwatch("allowed"))
        )
        .await,
        200
    );
    assert_eq!(count(&app).await, 2);
}
