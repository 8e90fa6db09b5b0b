// Markdown rendering of the drift report (stdout-free; the CLI decides where it goes).
#include <cstdio>
#include <sstream>

#include "mlo/drift/report.hpp"

namespace mlo::drift {

using nlohmann::json;

namespace {

std::string num(const json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
  return buf;
}

std::string stat(const json& f, const char* key) {
  return f["stats"].contains(key) ? num(f["stats"][key]) : "-";
}

std::string cell(std::string s) {  // keep table cells on one line and unbroken
  for (char& c : s) {
    if (c == '|' || c == '\n') c = ' ';
  }
  return s;
}

std::string verdict_line(const json& r) {
  const auto& v = r["verdict"];
  std::string status = v["finding"].get<bool>() ? "FINDING" : "OK";
  std::string parts;
  if (v["drift"].get<bool>()) parts += " drift";
  if (v["data_quality_failed"].get<bool>()) parts += " data-quality";
  if (v["performance_degraded"].get<bool>()) parts += " performance";
  return status + (parts.empty() ? "" : " (" + parts.substr(1) + ")") + ": " +
         std::to_string(v["drifted_features"].get<int>()) + " of " +
         std::to_string(v["features"].get<int>()) + " features drifted";
}

void concept_section(std::ostringstream& md, const json& c) {
  md << "\n### Model quality on labelled batch (" << c["task"].get<std::string>() << ")\n\n";
  std::vector<std::string> metrics;
  for (auto it = c["overall"]["metrics"].begin(); it != c["overall"]["metrics"].end(); ++it)
    metrics.push_back(it.key());
  md << "| slice | rows |";
  for (const auto& m : metrics) md << " " << m << " |";
  md << " status |\n|---|---|";
  for (size_t i = 0; i < metrics.size(); ++i) md << "---|";
  md << "---|\n";
  auto row = [&](const json& s, const std::string& name) {
    md << "| " << cell(name) << " | " << s["rows"].get<uint64_t>() << " |";
    for (const auto& m : metrics)
      md << " " << (s["metrics"].contains(m) ? num(s["metrics"][m]) : "-") << " |";
    md << " "
       << (s["degraded"].empty() ? (s["eligible"].get<bool>() ? "ok" : "too few rows") : "DEGRADED")
       << " |\n";
  };
  row(c["overall"], "(all)");
  if (c.contains("slices")) {
    for (const auto& s : c["slices"])
      row(s, c["slice_by"].get<std::string>() + "=" + s["slice"].get<std::string>());
    md << "\nWorst-to-best " << c["slice_metric"].get<std::string>()
       << " ratio: " << num(c["worst_to_best"]) << "\n";
  }
  if (c["overall"].contains("confusion")) {
    const auto& k = c["overall"]["confusion"];
    md << "\nConfusion matrix (all rows): TP " << k["tp"] << ", FP " << k["fp"] << ", TN "
       << k["tn"] << ", FN " << k["fn"] << "\n";
  }
  for (const auto& f : c["findings"]) md << "- " << f.get<std::string>() << "\n";
}

}  // namespace

std::string report_markdown(const json& r) {
  std::ostringstream md;
  md << "## mlo drift: " << r["model"].get<std::string>() << " v" << r["version"] << "\n\n";
  md << "**" << verdict_line(r) << "**\n\n";
  md << "Reference: " << r["reference"].get<std::string>() << " (" << r["dataset"]["reference_rows"]
     << " rows) · current: ";
  for (size_t i = 0; i < r["current"].size(); ++i)
    md << (i ? ", " : "") << r["current"][i].get<std::string>();
  md << " (" << r["dataset"]["current_rows"] << " rows) · mode: " << r["mode"].get<std::string>()
     << " · policy: " << r["policy"].get<std::string>() << "\n\n";
  md << "| feature | type | method | value | threshold | drift | PSI | KS | JS | null rate | "
        "issues |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : r["features"]) {
    std::string issues;
    for (const auto& i : f["issues"]) issues += (issues.empty() ? "" : "; ") + i.get<std::string>();
    md << "| " << cell(f["name"].get<std::string>()) << " | " << f["kind"].get<std::string>()
       << " | " << f["method"].get<std::string>() << " | " << num(f["value"]) << " | "
       << num(f["threshold"]) << " | " << (f["drifted"].get<bool>() ? "**yes**" : "no") << " | "
       << stat(f, "psi") << " | " << stat(f, "ks") << " | " << stat(f, "js") << " | "
       << (f["quality"].contains("null_rate") ? num(f["quality"]["null_rate"]) : "-") << " | "
       << cell(issues) << " |\n";
  }
  for (const auto& i : r["dataset"]["issues"]) md << "\n- " << i.get<std::string>() << "\n";
  if (r.contains("concept")) concept_section(md, r["concept"]);
  return md.str();
}

}  // namespace mlo::drift
