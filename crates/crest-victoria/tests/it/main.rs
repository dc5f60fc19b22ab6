//! crest-victoria's integration tests: one binary, each test against a VictoriaMetrics it starts
//! itself (`$CREST_VICTORIA_BIN`, or Debian's `/usr/bin/victoria-metrics`; a missing binary fails
//! the tests, never skips them).

mod cluster;
mod quirks;
mod selectors;
mod suite;
mod support;
