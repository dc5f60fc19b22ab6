//! A cloud integration body as a client sends it (any JSON object), prepared as a create and as
//! an update of what the first one stored: never a panic; what is stored reads back.
#![no_main]

use crest_domain::cloud_integration::{IntegrationSettings, masked, prepare};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|bytes: &[u8]| {
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let Ok(created) = prepare(input.clone(), None) else {
        let _ = prepare(input, None);
        return;
    };
    let stored = created.to_stored();
    let read = IntegrationSettings::from_stored(&stored).expect("what is stored reads back");
    let shown: Map<String, Value> = masked(&read);
    let _ = prepare(shown, Some(&read));
    let _ = prepare(input, Some(&read));
});
