#include <catch2/catch.hpp>

#include "registry/alias_fixture.hpp"

#include <atomic>
#include <map>
#include <thread>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/audit.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/lifecycle.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/registry/verify.hpp"
#include "mlo/store/faulty/faulty_store.hpp"

using namespace mlo;

namespace {

std::atomic<int> g_counter{0};

std::unique_ptr<Store> fresh_store() {
  auto store = open_store("memory://lifecycle-test-" + std::to_string(++g_counter));
  REQUIRE(store.ok());
  REQUIRE(init_store(**store).ok());
  return std::move(*store);
}

RegisterRequest request(const std::string& bytes, double auc = 0.8,
                        const std::string& eval = "sha256:" + std::string(64, 'e')) {
  RegisterRequest req;
  req.manifest.name = "m";
  req.manifest.features = {{"f0", "numeric"}};
  req.manifest.metrics = {{"auc", auc}};
  req.manifest.eval_data = DataRef{eval, 10, "eval.csv"};
  req.manifest.environment = {{"xgboost", "1.7.4"}};
  req.artifacts["model"] = ArtifactInput{"application/json", bytes, std::nullopt};
  return req;
}

int64_t reg(Store& store, RegisterRequest req) {
  auto r = register_version(store, std::move(req));
  REQUIRE(r.ok());
  REQUIRE(r->event_warning.empty());
  return r->manifest.version;
}

template <typename T>
int code_of(const Result<T>& r) {
  return r.ok() ? 0 : r.error().exit_code();
}

Result<ReviewResult> approve(Store& store, const std::string& ref, const char* actor) {
  setenv("MLO_ACTOR", actor, 1);
  auto r = review_version(store, {ref, Review::kApprove, ""});
  setenv("MLO_ACTOR", "creator", 1);
  return r;
}

PromoteRequest promote_req(const std::string& ref, const std::string& alias = "champion") {
  return PromoteRequest{ref, alias, "", false, std::nullopt, "1.7.4"};
}

bool verify_clean(Store& store) {
  auto report = verify_store(store);
  REQUIRE(report.ok());
  for (const auto& p : report->problems) UNSCOPED_INFO("problem: " << p.key << ": " << p.message);
  for (const auto& n : report->notes) UNSCOPED_INFO("note: " << n.key << ": " << n.message);
  return report->ok() && report->notes.empty();
}

struct ActorGuard {
  ActorGuard() { setenv("MLO_ACTOR", "creator", 1); }
  ~ActorGuard() { unsetenv("MLO_ACTOR"); }
};

}  // namespace

TEST_CASE("reads refuse a manifest that no longer matches its registered event") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one"));
  reg(*store, request("two"));
  // Hand-edit version 1 so it points at version 2's model blob.
  auto v2 = store->get(version_key("m", 2));
  REQUIRE(v2.ok());
  std::string forged = *v2;
  forged.replace(forged.find("version: 2"), 10, "version: 1");
  REQUIRE(store->remove(version_key("m", 1)).ok());
  REQUIRE(store->put_new(version_key("m", 1), forged).ok());
  CHECK(code_of(resolve_version(*store, "m:1")) == 6);
  CHECK(code_of(resolve_version(*store, "m:2")) == 0);
  CHECK(code_of(resolve_version(*store, "m")) == 0);
  // An alias record pins the digest too.
  auto rec = resolve_version(*store, "m:2");
  AliasRecord a = legacy_alias("champion", 1, rec->digest);
  REQUIRE(store->put_if(alias_key("m", "champion"), a.to_yaml(), "").ok());
  CHECK(code_of(resolve_version(*store, "m@champion")) == 6);
}

TEST_CASE("register whose event cannot be written reports it; repair makes the version readable") {
  ActorGuard actor;
  auto mem = fresh_store();
  reg(*mem, request("one"));
  // put_blob (1st mutation), manifest put_new (2nd), event put_new (3rd and every retry).
  FaultyStore faulty(*mem, FaultyOptions{3, true, 0});
  auto r = register_version(faulty, request("two"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->event_warning.empty());
  CHECK(r->manifest.version == 2);
  CHECK(code_of(resolve_version(*mem, "m:2")) == 6);
  CHECK(resolve_version(*mem, "m")->manifest.version == 1);  // latest registered
  auto repaired = repair_registration(*mem, "m", 2);
  REQUIRE(repaired.ok());
  CHECK(code_of(resolve_version(*mem, "m:2")) == 0);
  CHECK(code_of(repair_registration(*mem, "m", 2)) == 5);
  CHECK(verify_clean(*mem));
}

TEST_CASE("reviews derive the effective status from events") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one"));
  auto a = approve(*store, "m:1", "alice");
  REQUIRE(a.ok());
  CHECK(a->state.status == "approved");
  CHECK(a->state.approvers == std::vector<std::string>{"alice"});
  CHECK(code_of(review_version(*store, {"m:1", Review::kReject, ""})) == 2);  // needs a reason
  auto rej = review_version(*store, {"m:1", Review::kReject, "leaks the label"});
  REQUIRE(rej.ok());
  CHECK(rej->state.status == "rejected");
  CHECK(code_of(approve(*store, "m:1", "bob")) == 9);
  auto ann = annotate_version(*store, {"m:1", {{"team", "ops"}}, std::string("first try")});
  REQUIRE(ann.ok());
  CHECK(ann->state.labels.at("team") == "ops");
  CHECK(ann->state.description == "first try");
  auto arch = review_version(*store, {"m:1", Review::kArchive, ""});
  REQUIRE(arch.ok());
  CHECK(arch->state.status == "archived");
  CHECK(verify_clean(*store));
}

TEST_CASE("promotion gates: every failed gate is named; approval and force") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one", 0.80));
  reg(*store, request("two", 0.70));                                      // worse
  reg(*store, request("three", 0.85, "sha256:" + std::string(64, 'f')));  // other eval data
  // First promotion: no holder, but an approval is required (and the creator's does not count).
  auto r = promote_version(*store, promote_req("m:1"));
  REQUIRE(r.ok());
  CHECK(r->refused);
  CHECK(describe_failed(r->gates).find("approvals") != std::string::npos);
  REQUIRE(approve(*store, "m:1", "creator").ok());
  CHECK(promote_version(*store, promote_req("m:1"))->refused);
  REQUIRE(approve(*store, "m:1", "alice").ok());
  r = promote_version(*store, promote_req("m:1"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->refused);
  CHECK(r->event.type == "promoted");
  CHECK(resolve_version(*store, "m@champion")->manifest.version == 1);

  REQUIRE(approve(*store, "m:2", "alice").ok());
  r = promote_version(*store, promote_req("m:2"));
  REQUIRE(r.ok());
  CHECK(r->refused);
  const std::string failed = describe_failed(r->gates);
  CHECK(failed.find("metric") != std::string::npos);
  CHECK(failed.find("approvals") == std::string::npos);

  r = promote_version(*store, promote_req("m:3"));
  CHECK(describe_failed(r->gates).find("cannot compare") != std::string::npos);
  CHECK(describe_failed(r->gates).find("approvals") != std::string::npos);

  auto forced = promote_req("m:3");
  forced.force = true;
  CHECK(code_of(promote_version(*store, forced)) == 2);  // needs a reason
  forced.reason = "hotfix";
  r = promote_version(*store, forced);
  REQUIRE(r.ok());
  CHECK(r->forced);
  CHECK(r->event.type == "forced");
  CHECK(r->event.fields.at("reason") == "hotfix");
  CHECK(resolve_version(*store, "m@champion")->manifest.version == 3);

  auto back = rollback_alias(*store, "m", "champion", "bad canary");
  REQUIRE(back.ok());
  CHECK(back->to_version == 1);
  CHECK(resolve_version(*store, "m@champion")->manifest.version == 1);
  CHECK(verify_clean(*store));
}

// Every key of the store with its bytes.
std::map<std::string, std::string> contents(Store& store) {
  std::map<std::string, std::string> all;
  auto keys = store.list("");
  REQUIRE(keys.ok());
  for (const auto& key : *keys) all[key] = *store.get(key);
  return all;
}

// A dry-run promotion of `req`, checked to leave every key of the store and its bytes as they
// were.
PromoteResult dry_run(Store& store, PromoteRequest req) {
  req.dry_run = true;
  const auto before = contents(store);
  auto r = promote_version(store, req);
  REQUIRE(r.ok());
  CHECK(r->dry_run);
  CHECK(contents(store) == before);
  return *r;
}

TEST_CASE("a dry-run promotion evaluates the gates and writes nothing") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one", 0.80));
  reg(*store, request("two", 0.85, "sha256:" + std::string(64, 'f')));  // other eval data
  // No approval yet: refused, as the real run would be.
  CHECK(dry_run(*store, promote_req("m:1")).refused);
  REQUIRE(approve(*store, "m:1", "alice").ok());
  auto r = dry_run(*store, promote_req("m:1"));
  CHECK_FALSE(r.refused);
  CHECK(r.previous_version == 0);
  CHECK(code_of(resolve_version(*store, "m@champion")) == 4);  // no alias was written

  REQUIRE(promote_version(*store, promote_req("m:1")).ok());
  REQUIRE(approve(*store, "m:2", "alice").ok());
  auto forced = promote_req("m:2");  // the metric gate cannot compare: forced
  forced.force = true;
  forced.reason = "hotfix";
  r = dry_run(*store, forced);
  CHECK(r.forced);
  CHECK(r.previous_version == 1);
  CHECK(resolve_version(*store, "m@champion")->manifest.version == 1);
}

TEST_CASE("the champion's metrics recorded on the candidate's eval data are compared") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one", 0.80, "sha256:" + std::string(64, 'a')));
  REQUIRE(approve(*store, "m:1", "alice").ok());
  REQUIRE(promote_version(*store, promote_req("m:1")).ok());
  auto req = request("two", 0.75, "sha256:" + std::string(64, 'b'));
  req.manifest.parent = 1;
  req.manifest.champion = ChampionEval{"champion", 1, "", {{"auc", 0.74}}};
  reg(*store, std::move(req));
  REQUIRE(approve(*store, "m:2", "alice").ok());
  auto r = promote_version(*store, promote_req("m:2"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->refused);
  CHECK(resolve_version(*store, "m@champion")->manifest.version == 2);
}

TEST_CASE("concurrent promotes: each wins or conflicts, the chain records every win in order") {
  ActorGuard actor;
  auto store = fresh_store();
  constexpr int kVersions = 8;
  for (int i = 1; i <= kVersions; ++i) reg(*store, request("v" + std::to_string(i)));
  std::vector<std::thread> threads;
  std::vector<int> codes(kVersions, -1);
  for (int i = 0; i < kVersions; ++i) {
    threads.emplace_back([&, i] {
      auto req = promote_req("m:" + std::to_string(i + 1));
      req.force = true;
      req.reason = "race";
      auto r = promote_version(*store, req);
      codes[static_cast<size_t>(i)] = code_of(r);
    });
  }
  for (auto& t : threads) t.join();
  int wins = 0;
  for (int c : codes) {
    CHECK((c == 0 || c == 5));
    wins += c == 0;
  }
  CHECK(wins >= 1);
  auto events = read_events(*store, "m");
  REQUIRE(events.ok());
  int moves = 0;
  const Event* last = nullptr;
  for (const auto& e : *events)
    if (e.type == "forced") {
      ++moves;
      last = &e;
    }
  CHECK(moves == wins);
  REQUIRE(last);
  CHECK(resolve_version(*store, "m@champion")->manifest.version ==
        std::stoll(last->fields.at("version")));
  CHECK(verify_clean(*store));
}

TEST_CASE("an alias move whose event was lost is finished by the next move") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one"));
  reg(*store, request("two"));
  // The state a crash between put_if and the event leaves.
  auto v1 = resolve_version(*store, "m:1");
  AliasRecord pending;
  pending.alias = "champion";
  pending.version = 1;
  pending.manifest = v1->digest;
  pending.id = "crash-1";
  pending.type = "forced";
  pending.actor = "creator";
  pending.time = "2026-11-22T12:00:00Z";
  pending.reason = "interrupted";
  REQUIRE(store->put_if(alias_key("m", "champion"), pending.to_yaml(), "").ok());
  auto report = verify_store(*store);
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->notes.size() == 1);

  auto req = promote_req("m:2");
  req.force = true;
  req.reason = "next";
  REQUIRE(promote_version(*store, req).ok());
  auto events = read_events(*store, "m");
  REQUIRE(events->size() == 4);
  CHECK(events->at(2).fields.at("id") == "crash-1");
  CHECK(events->at(3).fields.at("from") == "1");
  CHECK(verify_clean(*store));

  // A hand-written record that does not follow the last move is a problem.
  auto cur = store->head(alias_key("m", "champion"));
  AliasRecord forged = pending;
  forged.id = "forged";
  forged.previous_version = 0;
  REQUIRE(store->put_if(alias_key("m", "champion"), forged.to_yaml(), cur->etag).ok());
  report = verify_store(*store);
  CHECK_FALSE(report->ok());
}

TEST_CASE("verify detects edited, deleted and reordered events") {
  ActorGuard actor;
  for (const std::string how : {"edit", "delete", "reorder"}) {
    auto store = fresh_store();
    for (int i = 1; i <= 3; ++i) reg(*store, request("v" + std::to_string(i)));
    REQUIRE(approve(*store, "m:1", "alice").ok());
    auto e2 = *store->get(event_key("m", 2));
    auto e3 = *store->get(event_key("m", 3));
    if (how == "edit") {
      std::string edited = e2;
      edited.replace(edited.find("actor: creator"), 14, "actor: mallory");
      REQUIRE(store->remove(event_key("m", 2)).ok());
      REQUIRE(store->put_new(event_key("m", 2), edited).ok());
    } else if (how == "delete") {
      REQUIRE(store->remove(event_key("m", 2)).ok());
    } else {
      REQUIRE(store->remove(event_key("m", 2)).ok());
      REQUIRE(store->remove(event_key("m", 3)).ok());
      REQUIRE(store->put_new(event_key("m", 2), e3).ok());
      REQUIRE(store->put_new(event_key("m", 3), e2).ok());
    }
    auto report = verify_store(*store);
    REQUIRE(report.ok());
    INFO(how);
    CHECK_FALSE(report->ok());
  }
}

TEST_CASE("event HMAC under MLO_AUDIT_KEY") {
  ActorGuard actor;
  auto store = fresh_store();
  setenv("MLO_AUDIT_KEY", "k1", 1);
  reg(*store, request("one"));
  REQUIRE(approve(*store, "m:1", "alice").ok());
  CHECK(verify_clean(*store));
  const std::string text = *store->get(event_key("m", 2));
  CHECK(text.find("hmac: hmac-sha256:") != std::string::npos);
  CHECK(text.find("k1") == std::string::npos);
  CHECK(check_event_hmac("k1", text) == HmacCheck::kValid);
  CHECK(check_event_hmac("k2", text) == HmacCheck::kMismatch);
  setenv("MLO_AUDIT_KEY", "other", 1);
  CHECK_FALSE(verify_store(*store)->ok());
  unsetenv("MLO_AUDIT_KEY");
  CHECK(verify_clean(*store));  // without the key only the chain is checked
  reg(*store, request("two"));  // unsigned
  setenv("MLO_AUDIT_KEY", "k1", 1);
  CHECK_FALSE(verify_store(*store)->ok());
  unsetenv("MLO_AUDIT_KEY");
}

TEST_CASE("retrain's comparison artifact feeds the metric gate when it measured the holder") {
  ActorGuard actor;
  auto store = fresh_store();
  reg(*store, request("one", 0.80, "sha256:" + std::string(64, 'a')));
  REQUIRE(approve(*store, "m:1", "alice").ok());
  REQUIRE(promote_version(*store, promote_req("m:1")).ok());
  const std::string v1_digest = resolve_version(*store, "m:1")->digest;
  auto candidate = [&](const std::string& bytes, const std::string& champion_manifest) {
    auto req = request(bytes, 0.75, "sha256:" + std::string(64, 'b'));
    req.artifacts["comparison"] =
        ArtifactInput{"application/json",
                      R"({"eval_data": {"digest": "sha256:)" + std::string(64, 'b') +
                          R"("}, "champion": {"alias": "champion", "version": 1, "manifest": ")" +
                          champion_manifest + R"(", "metrics": {"auc": 0.74}}})",
                      std::nullopt};
    const int64_t v = reg(*store, std::move(req));
    REQUIRE(approve(*store, "m:" + std::to_string(v), "alice").ok());
    return "m:" + std::to_string(v);
  };
  // Measured against another manifest than the holder's: cannot compare.
  auto stale =
      promote_version(*store, promote_req(candidate("two", "sha256:" + std::string(64, 'c'))));
  REQUIRE(stale.ok());
  CHECK(stale->refused);
  CHECK(describe_failed(stale->gates).find("cannot compare") != std::string::npos);
  auto r = promote_version(*store, promote_req(candidate("three", v1_digest)));
  REQUIRE(r.ok());
  CHECK_FALSE(r->refused);
}
