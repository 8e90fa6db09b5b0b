#include "mlo/registry/lifecycle.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "mlo/core/time.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/state.hpp"

namespace mlo {
namespace {

std::string ref_of(const std::string& name, int64_t version) {
  return name + ":" + std::to_string(version);
}

// A version resolved through the trusted read path, with its model's events and its state.
struct Subject {
  VersionRecord rec;
  std::vector<Event> events;
  VersionState state;
};

Result<Subject> load_subject(Store& store, const std::string& ref) {
  Subject s;
  MLO_ASSIGN_OR_RETURN(s.rec, resolve_version(store, ref));
  MLO_ASSIGN_OR_RETURN(s.events, read_events(store, s.rec.manifest.name));
  s.state = derive_state(s.rec.manifest, s.events);
  return s;
}

Result<ReviewResult> record(Store& store, Subject& s, Event event) {
  const ModelVersion& mv = s.rec.manifest;
  event.fields["version"] = std::to_string(mv.version);
  event.fields["manifest"] = s.rec.digest;
  ReviewResult r;
  MLO_ASSIGN_OR_RETURN(r.event, append_event(store, mv.name, std::move(event)));
  s.events.push_back(r.event);
  r.name = mv.name;
  r.version = mv.version;
  r.state = derive_state(mv, s.events);
  return r;
}

// An alias record read together with the etag it must still have when replaced.
struct AliasSnapshot {
  std::optional<AliasRecord> record;
  std::string etag;  // "" when the alias does not exist
};

Result<AliasSnapshot> read_alias_snapshot(Store& store, const std::string& name,
                                          const std::string& alias) {
  AliasSnapshot snap;
  const std::string key = alias_key(name, alias);
  // head before get: if the record changes in between, the etag is stale and put_if fails,
  // so a decision is never made on bytes newer than the etag it will swap against.
  auto info = store.head(key);
  if (!info.ok()) {
    if (info.error().code == ErrorCode::kNotFound) return snap;
    return info.error();
  }
  snap.etag = info->etag;
  auto rec = read_alias(store, name, alias);
  if (!rec.ok()) {
    if (rec.error().code == ErrorCode::kNotFound)
      return make_error(ErrorCode::kConflict,
                        "alias " + name + "@" + alias + " was removed while being read");
    return rec.error();
  }
  snap.record = std::move(*rec);
  return snap;
}

// Appends the event of the record about to be replaced if a crash left it out.
Status finish_pending(Store& store, const std::string& name, const AliasSnapshot& snap) {
  if (!snap.record || snap.record->id.empty()) return {};
  MLO_TRY(append_event_once(store, name, alias_move_event(name, *snap.record)));
  return {};
}

// put_if + event. kConflict (nothing written) when another writer moved the alias first.
Result<Event> move_alias(Store& store, const std::string& name, const AliasSnapshot& snap,
                         const AliasRecord& next) {
  Status put = store.put_if(alias_key(name, next.alias), next.to_yaml(), snap.etag);
  if (!put.ok()) {
    if (put.error().code != ErrorCode::kConflict) return put.error();
    auto now = read_alias(store, name, next.alias);
    const std::string holder =
        now.ok() ? " (now " + ref_of(name, now->version) + ")" : std::string();
    return make_error(ErrorCode::kConflict, "alias " + name + "@" + next.alias +
                                                " was moved by another writer" + holder +
                                                "; nothing changed");
  }
  auto event = append_event_once(store, name, alias_move_event(name, next));
  if (!event.ok())
    return make_error(event.error().code,
                      "alias " + name + "@" + next.alias + " moved to " +
                          ref_of(name, next.version) +
                          " but its audit event was not written (the next promote or rollback of "
                          "this alias writes it): " +
                          event.error().message);
  return event;
}

AliasRecord next_record(const std::string& alias, const VersionRecord& to,
                        const AliasSnapshot& snap, const std::string& type,
                        const std::string& reason) {
  AliasRecord r;
  r.alias = alias;
  r.version = to.manifest.version;
  r.manifest = to.digest;
  r.id = new_run_id();
  r.type = type;
  r.actor = current_actor();
  r.time = now_rfc3339();
  r.reason = reason;
  if (snap.record) {
    r.previous_version = snap.record->version;
    r.previous_manifest = snap.record->manifest;
  }
  return r;
}

bool holds_alias(Store& store, const ModelVersion& mv, std::string& which) {
  auto aliases = list_aliases(store, mv.name);
  if (!aliases.ok()) return false;
  for (const auto& a : *aliases)
    if (a.version == mv.version) which += (which.empty() ? "" : ", ") + a.alias;
  return !which.empty();
}

Status check_review(Store& store, const Subject& s, const ReviewRequest& r) {
  const std::string ref = ref_of(s.rec.manifest.name, s.rec.manifest.version);
  const std::string& status = s.state.status;
  auto refuse = [&](const std::string& why) {
    return make_error(ErrorCode::kRefused, ref + " is " + why);
  };
  switch (r.kind) {
    case Review::kApprove:
      if (status == "rejected" || status == "archived") return refuse(status);
      return {};
    case Review::kReject:
      if (r.text.empty()) return make_error(ErrorCode::kUsage, "a rejection needs a reason");
      if (status == "archived") return refuse("archived");
      return {};
    case Review::kArchive: {
      if (status == "archived") return refuse("already archived");
      std::string aliases;
      if (holds_alias(store, s.rec.manifest, aliases))
        return refuse("held by alias " + aliases + "; move the alias first");
      return {};
    }
  }
  return {};
}

// The holder's metrics on the candidate's eval rows, as recorded at retrain time: inline in the
// manifest (training.eval.champion) or in retrain's "comparison" artifact (JSON: champion
// {alias, version, manifest, metrics}, eval_data {digest}). Kept only when it was measured
// against the alias's current holder (same version, and same manifest digest when recorded) on
// the candidate's own eval data; otherwise the metric gate falls back to equal eval digests.
Result<std::optional<ChampionEval>> recorded_champion(Store& store, const ModelVersion& cand,
                                                      const VersionRecord& holder) {
  std::optional<ChampionEval> c = cand.champion;
  if (!c && cand.artifacts.count("comparison")) {
    MLO_ASSIGN_OR_RETURN(std::string text, read_artifact(store, cand, "comparison"));
    const std::string what = ref_of(cand.name, cand.version) + " comparison artifact";
    try {
      const auto doc = nlohmann::json::parse(text);
      const auto& champ = doc.at("champion");
      const std::string eval = doc.at("eval_data").value("digest", "");
      if (champ.is_object() && cand.eval_data && eval == cand.eval_data->digest) {
        ChampionEval e;
        e.alias = champ.value("alias", "");
        e.version = champ.at("version").get<int64_t>();
        e.manifest = champ.value("manifest", "");
        e.metrics = champ.at("metrics").get<std::map<std::string, double>>();
        c = std::move(e);
      }
    } catch (const nlohmann::json::exception& ex) {
      return make_error(ErrorCode::kInvalidInput, what + ": " + ex.what());
    }
  }
  if (c && (c->version != holder.manifest.version ||
            (!c->manifest.empty() && c->manifest != holder.digest)))
    c.reset();
  return c;
}

}  // namespace

Event alias_move_event(const std::string& name, const AliasRecord& record) {
  Event e;
  e.type = record.type.empty() ? "promoted" : record.type;
  e.actor = record.actor;
  e.time = record.time;
  e.fields = {{"alias", record.alias},
              {"version", std::to_string(record.version)},
              {"manifest", record.manifest},
              {"id", record.id},
              {"from", record.previous_version ? std::to_string(record.previous_version) : "-"}};
  if (!record.reason.empty()) e.fields["reason"] = record.reason;
  (void)name;
  return e;
}

Result<ReviewResult> review_version(Store& store, const ReviewRequest& request) {
  MLO_ASSIGN_OR_RETURN(Subject s, load_subject(store, request.ref));
  MLO_TRY(check_review(store, s, request));
  Event e;
  switch (request.kind) {
    case Review::kApprove:
      e.type = "approved";
      if (!request.text.empty()) e.fields["comment"] = request.text;
      break;
    case Review::kReject:
      e.type = "rejected";
      e.fields["reason"] = request.text;
      break;
    case Review::kArchive:
      e.type = "archived";
      if (!request.text.empty()) e.fields["reason"] = request.text;
      break;
  }
  return record(store, s, std::move(e));
}

Result<ReviewResult> annotate_version(Store& store, const AnnotateRequest& request) {
  if (request.labels.empty() && !request.description)
    return make_error(ErrorCode::kUsage, "nothing to annotate (no label and no description)");
  Event e;
  e.type = "annotated";
  for (const auto& [k, v] : request.labels) {
    if (k.empty() || k.size() > 128)
      return make_error(ErrorCode::kUsage, "label key '" + k + "': must be 1..128 characters");
    for (char c : k)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
          c != '/')
        return make_error(ErrorCode::kUsage,
                          "label key '" + k + "': only letters, digits, '_', '-', '.' and '/'");
    e.fields[kLabelFieldPrefix + k] = v;
  }
  if (request.description) e.fields["description"] = *request.description;
  MLO_ASSIGN_OR_RETURN(Subject s, load_subject(store, request.ref));
  return record(store, s, std::move(e));
}

Result<PromoteResult> promote_version(Store& store, const PromoteRequest& request) {
  MLO_TRY(validate_alias_name(request.alias));
  if (request.force && request.reason.empty())
    return make_error(ErrorCode::kUsage, "forcing a promotion needs a reason");
  MLO_ASSIGN_OR_RETURN(Subject s, load_subject(store, request.ref));
  const ModelVersion& cand = s.rec.manifest;
  PromoteResult r;
  r.name = cand.name;
  r.version = cand.version;
  r.alias = request.alias;
  r.dry_run = request.dry_run;
  MLO_ASSIGN_OR_RETURN(PromotionPolicy policy,
                       resolve_policy(store, cand.name, request.policy_file));
  r.policy_source = policy.source;
  MLO_ASSIGN_OR_RETURN(AliasSnapshot snap, read_alias_snapshot(store, cand.name, request.alias));
  std::optional<VersionRecord> holder;
  if (snap.record) {
    r.previous_version = snap.record->version;
    MLO_ASSIGN_OR_RETURN(holder, resolve_version(store, cand.name + "@" + request.alias));
  }
  // The gate sees the champion comparison wherever retrain recorded it.
  ModelVersion gated = cand;
  if (holder) {
    MLO_ASSIGN_OR_RETURN(gated.champion, recorded_champion(store, cand, *holder));
  }
  GateInputs in{&gated, &s.state, holder ? &holder->manifest : nullptr, request.scorer_xgboost};
  r.gates = evaluate_gates(policy, in);
  const bool failed = !describe_failed(r.gates).empty();
  if (failed && !request.force) {
    r.refused = true;
    return r;
  }
  if (holder && holder->manifest.version == cand.version) {
    r.unchanged = true;
    return r;
  }
  r.forced = failed;
  if (request.dry_run) return r;
  MLO_TRY(finish_pending(store, cand.name, snap));
  AliasRecord next =
      next_record(request.alias, s.rec, snap, failed ? "forced" : "promoted", request.reason);
  MLO_ASSIGN_OR_RETURN(r.event, move_alias(store, cand.name, snap, next));
  return r;
}

Result<RollbackResult> rollback_alias(Store& store, const std::string& name,
                                      const std::string& alias, const std::string& reason) {
  MLO_TRY(validate_model_name(name));
  MLO_TRY(validate_alias_name(alias));
  MLO_ASSIGN_OR_RETURN(AliasSnapshot snap, read_alias_snapshot(store, name, alias));
  if (!snap.record) {
    MLO_TRY(list_versions(store, name));  // kNotFound for an unknown model
    return make_error(ErrorCode::kNotFound, "model '" + name + "' has no alias '" + alias + "'");
  }
  const AliasRecord& cur = *snap.record;
  if (cur.previous_version == 0)
    return make_error(ErrorCode::kNotFound,
                      "alias " + name + "@" + alias + " has no previous version to roll back to");
  MLO_ASSIGN_OR_RETURN(VersionRecord target,
                       load_trusted_version(store, name, cur.previous_version));
  if (!cur.previous_manifest.empty() && cur.previous_manifest != target.digest)
    return make_error(ErrorCode::kIntegrity,
                      "alias " + name + "@" + alias + " recorded previous manifest " +
                          cur.previous_manifest + " but " + ref_of(name, target.manifest.version) +
                          " hashes to " + target.digest);
  MLO_TRY(finish_pending(store, name, snap));
  RollbackResult r;
  r.name = name;
  r.alias = alias;
  r.from_version = cur.version;
  r.to_version = target.manifest.version;
  AliasRecord next = next_record(alias, target, snap, "rolled_back", reason);
  MLO_ASSIGN_OR_RETURN(r.event, move_alias(store, name, snap, next));
  return r;
}

}  // namespace mlo
