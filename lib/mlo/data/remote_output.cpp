#include "mlo/data/remote_output.hpp"

#include "mlo/data/remote_input.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

namespace {

// The writer refers to its store, so the sink owns both (store last to go).
class OwningSink : public OutputSink {
 public:
  OwningSink(std::unique_ptr<Store> store, std::unique_ptr<OutputSink> sink)
      : store_(std::move(store)), sink_(std::move(sink)) {}
  Status write(const void* data, size_t size) override { return sink_->write(data, size); }
  Status prepare() override { return sink_->prepare(); }
  Status publish() override { return sink_->publish(); }

 private:
  std::unique_ptr<Store> store_;
  std::unique_ptr<OutputSink> sink_;
};

}  // namespace

Result<OutputFile> open_output(const std::string& path) {
  if (!is_remote_data_path(path)) return OutputFile::open(path);
  MLO_ASSIGN_OR_RETURN(RemoteObject object, open_remote_object(path));
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<OutputSink> sink, object.store->open_writer(object.key));
  return OutputFile::from_sink(
      path, std::make_unique<OwningSink>(std::move(object.store), std::move(sink)));
}

}  // namespace mlo
