// Reports: the verdict line, every format rendered from the typed report, the HTML page's size
// and self-containment, long categories kept bounded.
#include <random>

#include <catch2/catch.hpp>

#include "mlo/drift/compare.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/drift/report.hpp"
#include "mlo/drift/report_parts.hpp"

using namespace mlo::drift;

namespace {

// `nf` features alternating numeric/categorical (`cats` categories); the batch shifts the
// first `shifted` features.
DriftReport make_report(int nf, int cats, int shifted, int rows = 4000) {
  std::vector<FeatureDecl> decls;
  for (int f = 0; f < nf; ++f)
    decls.push_back(
        {"f" + std::to_string(f), f % 2 ? FeatureKind::kCategorical : FeatureKind::kNumeric});
  std::mt19937_64 rng(1);
  std::normal_distribution<double> norm(0, 1);
  std::uniform_int_distribution<int> cat(0, cats - 1);
  auto fill = [&](ProfileBuilder& b, bool shift) {
    for (int i = 0; i < rows; ++i) {
      for (int f = 0; f < nf; ++f) {
        const bool s = shift && f < shifted;
        if (f % 2)
          b.add_category(static_cast<size_t>(f),
                         "category-" + std::to_string(s ? cat(rng) / 4 : cat(rng)));
        else
          b.add_value(static_cast<size_t>(f), norm(rng) + (s ? 1.5 : 0));
      }
      b.end_row();
    }
  };
  auto rb = ProfileBuilder::baseline(decls);
  fill(rb, false);
  Profile ref = rb.finish();
  auto cb = ProfileBuilder::against(ref);
  fill(cb, true);
  Profile cur = cb.finish();
  auto drift = compare(ref, cur, {}, {}, Policy{});
  REQUIRE(drift.ok());
  DriftReport r;
  r.meta.model.name = "m";
  r.meta.model.version = 3;
  r.meta.model.task = "binary";
  r.meta.model.eval_metrics = {{"auc", 0.75}};
  r.meta.reference = "baseline";
  r.meta.current = {"batch.csv"};
  r.meta.mode = "profile";
  r.meta.policy = "defaults";
  r.drift = std::move(*drift);
  decide(r);
  return r;
}

}  // namespace

TEST_CASE("the verdict says what was found and what to do") {
  const DriftReport clean = make_report(8, 20, 0);
  CHECK_FALSE(clean.verdict.finding);
  CHECK(clean.verdict.exit_code == 0);
  CHECK(clean.verdict.headline.rfind("OK: no drift in 8 features", 0) == 0);
  CHECK(clean.verdict.headline.find("no action needed") != std::string::npos);

  const DriftReport shifted = make_report(8, 20, 2);
  CHECK(shifted.verdict.finding);
  CHECK(shifted.verdict.exit_code == 8);
  CHECK(shifted.verdict.drifted_features == 2);
  CHECK(shifted.verdict.headline.rfind("FINDING: 2 of 8 features drifted (f0, f1)", 0) == 0);
  CHECK(shifted.verdict.headline.find("investigate") != std::string::npos);
}

TEST_CASE("a performance finding leads the verdict even when no feature drifted") {
  DriftReport r = make_report(4, 10, 0);
  ConceptResult c;
  c.task = "binary";
  c.overall.metrics = {{"auc", 0.61}};
  c.degraded = true;
  c.findings = {"overall: auc 0.61 < recorded 0.75 - 0.03"};
  r.concept_result = c;
  decide(r);
  CHECK(r.verdict.performance_degraded);
  CHECK(r.verdict.exit_code == 8);
  CHECK(r.verdict.headline.find("model quality degraded: overall: auc 0.61") != std::string::npos);
  CHECK(r.verdict.headline.find("retrain suggested") != std::string::npos);
}

TEST_CASE("every format starts with the verdict and shows the model") {
  const DriftReport r = make_report(6, 10, 1);
  const std::string md = report_markdown(r);
  CHECK(md.find("**" + r.verdict.headline + "**") < md.find("| feature"));
  CHECK(md.find("Model: m v3 (binary)") != std::string::npos);
  CHECK(md.find("Recorded eval metrics: auc 0.75") != std::string::npos);
  const std::string html = report_html(r);
  CHECK(html.find("class=\"verdict finding\"") < html.find("<h1>"));
  const auto j = report_json(r);
  CHECK(j["verdict"]["headline"] == r.verdict.headline);
  CHECK(j["features"].size() == 6);
  CHECK(j["features"][0]["reference"].contains("mean"));
}

TEST_CASE("HTML: 50 features x 300 categories is self-contained, charted and under 1 MB") {
  const DriftReport r = make_report(50, 300, 10);
  const std::string html = report_html(r);
  INFO("size " << html.size());
  CHECK(html.size() < 1000000);
  size_t charts = 0;
  for (size_t p = html.find("<svg class=\"chart\""); p != std::string::npos;
       p = html.find("<svg class=\"chart\"", p + 1))
    ++charts;
  CHECK(charts == 50);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("share of rows") != std::string::npos);  // labelled y axis
  CHECK(html.find("(category)") != std::string::npos);     // labelled x axis
}

TEST_CASE("category values longer than the limit are counted under a bounded key") {
  const std::string a(100000, 'a');
  std::string b = a;
  b.back() = 'b';
  CHECK(category_key("short") == "short");
  const std::string ka = category_key(a), kb = category_key(b);
  CHECK(ka.size() <= kMaxCategoryBytes);
  CHECK(ka != kb);  // distinct values stay distinct
  auto builder = ProfileBuilder::baseline({{"c", FeatureKind::kCategorical}});
  for (int i = 0; i < 50; ++i) {
    builder.add_category(0, a + std::to_string(i));
    builder.end_row();
  }
  const Profile p = builder.finish();
  size_t bytes = 0;
  for (const auto& [k, n] : p.features[0].categories) bytes += k.size();
  CHECK(p.features[0].categories.size() == 50);
  CHECK(bytes <= 50 * kMaxCategoryBytes);
}

TEST_CASE("slices: at most 20 shown, worst first, with a count of the rest") {
  DriftReport r = make_report(2, 5, 0, 200);
  ConceptResult c;
  c.task = "binary";
  c.slice_by = "region";
  c.slice_metric = "auc";
  c.overall.metrics = {{"auc", 0.8}};
  for (int i = 0; i < 27; ++i) {  // already sorted worst first, as ConceptAccumulator does
    SliceQuality s;
    s.slice = "region-" + std::to_string(i);
    s.rows = 100;
    s.metrics = {{"auc", 0.5 + i * 0.01}};
    c.slices.push_back(s);
  }
  r.concept_result = c;
  decide(r);
  const auto table = report_parts::slice_table(c);
  REQUIRE(table.rows.size() == kMaxSlicesShown);
  CHECK(table.rows.front()[0] == "region-0");
  CHECK(table.rows.back()[0] == "region-19");
  for (const std::string& text : {report_markdown(r), report_html(r)}) {
    CHECK(text.find("region-19") != std::string::npos);
    CHECK(text.find("region-20") == std::string::npos);
    CHECK(text.find("… and 7 more slices") != std::string::npos);
  }
  CHECK(report_json(r)["concept"]["slices"].size() == 27);  // JSON keeps every slice
}
