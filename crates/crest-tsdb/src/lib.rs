//! crest's embedded time-series engine.
