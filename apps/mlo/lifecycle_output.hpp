// Rendering shared by the lifecycle commands (approve, reject, archive, annotate, promote,
// rollback, alias): typed results -> a line for people or one JSON document.
#pragma once

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "mlo/registry/lifecycle.hpp"

namespace mlo::cli {

nlohmann::json review_to_json(const ReviewResult& r);
// `verb` is the past tense shown to people ("approved").
void print_review(const Context& ctx, const std::string& verb, const ReviewResult& r);
nlohmann::json gates_to_json(const std::vector<GateResult>& gates);
// Wraps a command's error with its name and reference ("approve m:2: ...").
Error command_error(const std::string& what, const Error& e);

}  // namespace mlo::cli
