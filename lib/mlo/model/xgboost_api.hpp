// The XGBoost C API as a table of function pointers into libxgboost, opened on first use
// (core/lazy_library.hpp): mlo does not link XGBoost, so only train, retrain, register's model
// check, `--engine xgboost` and explanations pay for loading it (and libdmlc, libgomp), and
// every other command works on a machine without it. The header gives the prototypes and types
// only; the table's pointer types are decltype of each declared function.
#pragma once

#include <xgboost/c_api.h>

#include <string>

#include "mlo/core/lazy_library.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

// Every XGBoost function mlo calls. Add one here before calling it through the table.
#define MLO_XGBOOST_FUNCTIONS(X)  \
  X(XGBoostVersion)               \
  X(XGBGetLastError)              \
  X(XGBSetGlobalConfig)           \
  X(XGDMatrixCreateFromMat)       \
  X(XGDMatrixSetFloatInfo)        \
  X(XGDMatrixFree)                \
  X(XGBoosterCreate)              \
  X(XGBoosterFree)                \
  X(XGBoosterSetParam)            \
  X(XGBoosterSetAttr)             \
  X(XGBoosterGetAttr)             \
  X(XGBoosterGetNumFeature)       \
  X(XGBoosterSaveJsonConfig)      \
  X(XGBoosterLoadModelFromBuffer) \
  X(XGBoosterSaveModelToBuffer)   \
  X(XGBoosterUpdateOneIter)       \
  X(XGBoosterEvalOneIter)         \
  X(XGBoosterSlice)               \
  X(XGBoosterPredictFromDense)    \
  X(XGBoosterPredictFromDMatrix)  \
  X(XGCommunicatorInit)           \
  X(XGCommunicatorFinalize)       \
  X(XGCommunicatorGetRank)        \
  X(XGCommunicatorGetWorldSize)   \
  X(XGCommunicatorIsDistributed)  \
  X(XGCommunicatorBroadcast)

struct XgbApi {
  MLO_XGBOOST_FUNCTIONS(MLO_LAZY_FIELD)
};

// Debian's libxgboost0; MLO_LIBXGBOOST names another file instead (tests point it at a missing
// one).
inline constexpr LazyLibrarySpec kXgboostLibrary{"XGBoost library", "libxgboost.so.0",
                                                 "MLO_LIBXGBOOST"};

// The table, loading the library on the first call (thread-safe; the outcome is kept).
// kRuntime "XGBoost library libxgboost.so.0 could not be loaded: <dlerror>" when it is missing,
// or "... lacks <symbol>" when it is too old.
Result<const XgbApi*> xgboost_api();

// The XGBoost headers mlo was compiled against ("1.7.4"): known without loading the library.
std::string xgboost_build_version();
// The library's own version (XGBoostVersion), loading it if needed.
Result<std::string> xgboost_library_version();

}  // namespace mlo
