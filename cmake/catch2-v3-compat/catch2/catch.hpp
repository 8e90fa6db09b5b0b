// Catch2 3.x compatibility: the unit tests are written against Catch2 2.x's single header
// (Debian 12). With Catch2 3.x this directory is put first on the include path (see the top
// CMakeLists.txt), so <catch2/catch.hpp> resolves here and maps to the 3.x headers.
#pragma once
#include <catch2/catch_all.hpp>
using Catch::Approx;
