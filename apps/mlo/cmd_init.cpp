// mlo init: create the store marker mlo-store.yaml (idempotent).
#include <iostream>

#include "command.hpp"
#include "mlo/registry/store_init.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_init(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    ctx.run = [&ctx]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store(/*require_init=*/false));
      auto result = init_store(*store);
      if (!result.ok())
        return make_error(result.error().code,
                          "init " + store->url() + ": " + result.error().message);
      if (ctx.global.json) {
        print_json({{"store", store->url()},
                    {"created", result->created},
                    {"format", result->info.format},
                    {"digest", result->info.digest},
                    {"initialized", result->info.created}});
      } else if (result->created) {
        std::cout << "initialized store " << store->url() << "\n";
      } else {
        std::cout << "store " << store->url() << " already initialized (" << result->info.created
                  << ")\n";
      }
      return 0;
    };
  });
}

}  // namespace mlo::cli
