//! Bytes to points: the Wavefront line formats, validated and normalised.
