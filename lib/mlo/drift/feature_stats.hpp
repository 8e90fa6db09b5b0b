// Internal to compare.cpp: the statistics of one feature, profile or exact mode.
#pragma once

#include "mlo/drift/compare.hpp"

namespace mlo::drift::detail {

void numeric_stats(const FeatureProfile& ref, const FeatureProfile& cur, const ExactSamples& exact,
                   FeatureDrift& out);
void categorical_stats(const FeatureProfile& ref, const FeatureProfile& cur, FeatureDrift& out);
std::string format_edge(double v);

}  // namespace mlo::drift::detail
