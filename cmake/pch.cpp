// The translation unit that builds slipway's shared precompiled header (cmake/slipway.cmake);
// it has no code of its own.
