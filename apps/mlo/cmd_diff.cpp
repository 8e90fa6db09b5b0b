// mlo diff REF REF: the fields (params, metrics, schema, artifacts, ...) that differ.
// Exit 0 whether or not they differ, like a report; scripts read --json.
#include <iostream>

#include "command.hpp"
#include "mlo/registry/diff.hpp"
#include "mlo/registry/registry.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_diff(CLI::App& app, Context& ctx) {
  auto refs = std::make_shared<std::vector<std::string>>();
  app.add_option("refs", *refs, "Two model references")->required()->expected(2);
  app.callback([&ctx, refs] {
    ctx.run = [&ctx, refs]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      std::vector<ModelVersion> mv;
      for (const auto& ref : *refs) {
        auto r = resolve_ref(*store, ref);
        if (!r.ok()) return make_error(r.error().code, "diff: " + ref + ": " + r.error().message);
        mv.push_back(std::move(*r));
      }
      const auto diffs = diff_versions(mv[0], mv[1]);
      const std::string a = mv[0].name + ":" + std::to_string(mv[0].version);
      const std::string b = mv[1].name + ":" + std::to_string(mv[1].version);
      if (ctx.global.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& d : diffs) list.push_back({{"field", d.field}, {"a", d.a}, {"b", d.b}});
        print_json({{"a", a}, {"b", b}, {"differences", list}});
        return 0;
      }
      if (diffs.empty()) {
        std::cout << a << " and " << b << " are the same version\n";
        return 0;
      }
      std::vector<std::vector<std::string>> rows;
      for (const auto& d : diffs)
        rows.push_back({d.field, d.a.empty() ? "-" : d.a, d.b.empty() ? "-" : d.b});
      print_table({"FIELD", a, b}, rows);
      return 0;
    };
  });
}

}  // namespace mlo::cli
