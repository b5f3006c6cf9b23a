// The message of the InputError a call throws, for tests of bad input: fails the test (and
// returns "") when the call throws nothing.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "util/error.hpp"

namespace slipway::test {

inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return {};
}

}  // namespace slipway::test
