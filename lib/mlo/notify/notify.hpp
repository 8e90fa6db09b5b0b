// Webhook notifications: one JSON POST per event (drift found, version registered, alias moved
// or rolled back) to the URLs configured in .mlo.yaml `notify:`, MLO_NOTIFY_URL or --notify.
// The body is Slack-compatible (a `text` line) and carries the structured event:
//
//   {"text": "mlo: drift found for flights-delay:3 ...",
//    "event": {"schema": "mlo/v1/event", "kind": "drift", "model": "flights-delay",
//              "version": 3, "store": "...", "actor": "...", "time": "...", "details": {...}}}
//
// Delivery is best effort by contract: bounded time (timeout per attempt, a few retries with
// backoff on connection errors, 429 and 5xx), and a failure is returned, never thrown, so the
// caller can report it and keep its own outcome. Nothing here prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlo/core/result.hpp"

namespace mlo::notify {

// Event kinds callers use; a target's `events` filter names them.
inline constexpr const char* kDrift = "drift";
inline constexpr const char* kRegistered = "registered";
inline constexpr const char* kPromoted = "promoted";
inline constexpr const char* kRolledBack = "rolled_back";

struct Event {
  std::string kind;     // kDrift, kRegistered, ...
  std::string model;
  int64_t version = 0;  // 0 when not about one version
  std::string text;     // one human line, used as Slack's `text`
  nlohmann::json details = nlohmann::json::object();  // kind-specific, e.g. drifted features
  std::string store;    // the store URL (notify_event in apps/mlo fills it in)
};

struct Target {
  std::string url;
  double timeout_seconds = 5;  // per attempt, connect included
  int retries = 2;             // further attempts after the first
  std::vector<std::string> events;  // kinds to send; empty = all
};

// The request body for `event` (actor and time are stamped here).
nlohmann::json event_body(const Event& event);

// True when `target` wants `kind`.
bool wants(const Target& target, const std::string& kind);

// POSTs event_body(event) to target.url. kRuntime naming the URL and the last failure (HTTP
// status or connection error) once every attempt failed.
Status post(const Target& target, const Event& event);

// Targets from a parsed `notify:` YAML section (mlo/core/config resolves where it comes from):
//   notify: https://hooks.example/...             # one URL
//   notify: {url: ..., timeout_seconds: 5, retries: 2, events: [drift, promoted]}
//   notify: [{url: ...}, {url: ...}]
// kInvalidInput naming `what` for a malformed section.
Result<std::vector<Target>> parse_targets(const std::string& yaml_text, const std::string& what);

}  // namespace mlo::notify
