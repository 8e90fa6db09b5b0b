#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/temp_dir.hpp"
#include "mlo/core/output_file.hpp"
#include "mlo/core/temp_registry.hpp"

using namespace mlo;
namespace fs = std::filesystem;

namespace {
size_t temp_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    n += e.path().filename().string().find(".tmp-") != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("output_file: a regular file is replaced atomically, only on commit") {
  test::TempDir dir;
  test::write_text(dir / "out.csv", "old");
  {
    auto f = OutputFile::open(dir / "out.csv");
    REQUIRE(f.ok());
    CHECK_FALSE(f->streamed());
    REQUIRE(f->write("new").ok());
    CHECK(test::read_text(dir / "out.csv") == "old");
    CHECK(temp_files(dir.path()) == 1);
    CHECK(live_temp_count() == 1);
  }  // not committed
  CHECK(test::read_text(dir / "out.csv") == "old");
  CHECK(temp_files(dir.path()) == 0);
  CHECK(live_temp_count() == 0);
  REQUIRE(write_output_file(dir / "out.csv", "new").ok());
  CHECK(test::read_text(dir / "out.csv") == "new");
  CHECK(live_temp_count() == 0);
}

TEST_CASE("output_file: a symlink stays a link; its target is replaced") {
  test::TempDir dir;
  fs::create_directory(dir / "real");
  test::write_text(dir / "real/t.csv", "old");
  fs::create_symlink("real/t.csv", dir / "link.csv");
  fs::create_symlink(dir / "link.csv", dir / "link2.csv");  // a chain of two
  auto target = resolve_output_target(dir / "link2.csv");
  REQUIRE(target.ok());
  CHECK(target->kind == OutputKind::kReplace);
  CHECK(fs::equivalent(target->resolved, dir / "real/t.csv"));
  REQUIRE(write_output_file(dir / "link2.csv", "new").ok());
  CHECK(fs::is_symlink(dir / "link.csv"));
  CHECK(fs::is_symlink(dir / "link2.csv"));
  CHECK(test::read_text(dir / "real/t.csv") == "new");
  CHECK(temp_files(dir / "real") == 0);
  // A dangling link creates its target, as a shell's `>` does.
  fs::create_symlink("real/new.csv", dir / "dangling.csv");
  REQUIRE(write_output_file(dir / "dangling.csv", "x").ok());
  CHECK(fs::is_symlink(dir / "dangling.csv"));
  CHECK(test::read_text(dir / "real/new.csv") == "x");
  // A loop is a usage error, not a hang.
  fs::create_symlink("loop2", dir / "loop1");
  fs::create_symlink("loop1", dir / "loop2");
  auto loop = resolve_output_target(dir / "loop1");
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.error().code == ErrorCode::kUsage);
}

TEST_CASE("output_file: devices, FIFOs and inherited descriptors are streamed, never replaced") {
  auto null = resolve_output_target("/dev/null");
  REQUIRE(null.ok());
  CHECK(null->kind == OutputKind::kStream);
  REQUIRE(write_output_file("/dev/null", "discarded").ok());
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));

  test::TempDir dir;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string fd_path = "/dev/fd/" + std::to_string(fds[1]);
  auto t = resolve_output_target(fd_path);
  REQUIRE(t.ok());
  CHECK(t->kind == OutputKind::kStream);
  CHECK(t->inherited_fd == fds[1]);
  REQUIRE(write_output_file(fd_path, "through the pipe").ok());
  ::close(fds[1]);
  char buf[64] = {};
  CHECK(::read(fds[0], buf, sizeof buf) == 16);
  CHECK(std::string(buf) == "through the pipe");
  ::close(fds[0]);

  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  int reader = ::open((dir / "fifo").c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  REQUIRE(write_output_file(dir / "fifo", "fifo bytes").ok());
  CHECK(::read(reader, buf, sizeof buf) == 10);
  ::close(reader);
  CHECK(fs::is_fifo(dir / "fifo"));
  CHECK(temp_files(dir.path()) == 0);

  auto d = resolve_output_target(dir.path());
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().code == ErrorCode::kUsage);
  auto closed = resolve_output_target("/dev/fd/987");
  REQUIRE_FALSE(closed.ok());
  CHECK(closed.error().code == ErrorCode::kNotFound);
}

TEST_CASE("output_file: same_existing_file follows links, needs both to exist") {
  test::TempDir dir;
  test::write_text(dir / "a.csv", "a");
  fs::create_symlink(dir / "a.csv", dir / "l.csv");
  CHECK(same_existing_file(dir / "a.csv", dir / "l.csv"));
  CHECK(same_existing_file(dir / "a.csv", dir.path() + "/./a.csv"));
  CHECK_FALSE(same_existing_file(dir / "a.csv", dir / "b.csv"));
}

TEST_CASE("output_group: all outputs are replaced together, or none") {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "old a");
  test::write_text(dir / "b.txt", "old b");
  {
    OutputGroup group;
    auto a = group.add(dir / "a.txt");
    auto b = group.add(dir / "b.txt");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE((*a)->write("new a").ok());
    REQUIRE((*b)->write("new b").ok());
    CHECK(temp_files(dir.path()) == 2);
  }  // failed before commit_all: nothing changed, no temp left
  CHECK(test::read_text(dir / "a.txt") == "old a");
  CHECK(test::read_text(dir / "b.txt") == "old b");
  CHECK(temp_files(dir.path()) == 0);

  {
    OutputGroup group;
    auto a = group.add(dir / "a.txt");
    auto c = group.add(dir / "sub/c.txt");  // missing directory: refused before anything is written
    REQUIRE(a.ok());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kNotFound);
  }  // the group that failed to open an output is dropped: its temps go with it
  CHECK(temp_files(dir.path()) == 0);

  OutputGroup ok;
  REQUIRE((*ok.add(dir / "a.txt"))->write("new a").ok());
  REQUIRE((*ok.add(dir / "b.txt"))->write("new b").ok());
  REQUIRE((*ok.add("/dev/null"))->write("x").ok());
  REQUIRE(ok.commit_all().ok());
  CHECK(test::read_text(dir / "a.txt") == "new a");
  CHECK(test::read_text(dir / "b.txt") == "new b");
  CHECK(temp_files(dir.path()) == 0);
}

TEST_CASE("output_group: a failure after the first rename names what was replaced") {
  test::TempDir dir;
  fs::create_directory(dir / "d");
  test::write_text(dir / "a.txt", "old a");
  test::write_text(dir / "d/b.txt", "old b");
  OutputGroup group;
  REQUIRE((*group.add(dir / "a.txt"))->write("new a").ok());
  REQUIRE((*group.add(dir / "d/b.txt"))->write("new b").ok());
  // Make the second rename fail: replace b.txt by a non-empty directory of the same name.
  fs::remove(dir / "d/b.txt");
  fs::create_directories(dir / "d/b.txt/x");
  auto st = group.commit_all();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("already replaced: " + (dir / "a.txt")) != std::string::npos);
  CHECK(st.error().message.find("left as they were: " + (dir / "d/b.txt")) != std::string::npos);
  CHECK(test::read_text(dir / "a.txt") == "new a");
  CHECK(temp_files(dir / "d") == 0);
  CHECK(live_temp_count() == 0);
}

namespace {
// A sink that records what happens to it in a shared log, and can be told to fail a step.
struct FakeSink : OutputSink {
  FakeSink(std::string name, std::vector<std::string>& log, std::string fail_at = "")
      : name_(std::move(name)), log_(log), fail_at_(std::move(fail_at)) {}
  ~FakeSink() override { log_.push_back(name_ + (published_ ? " closed" : " aborted")); }
  Status step(const std::string& what) {
    log_.push_back(name_ + " " + what);
    if (what == fail_at_) return make_error(ErrorCode::kRuntime, name_ + ": " + what + " failed");
    return {};
  }
  Status write(const void* data, size_t size) override {
    bytes_.append(static_cast<const char*>(data), size);
    return {};
  }
  Status prepare() override { return step("prepare"); }
  Status publish() override {
    MLO_TRY(step("publish " + bytes_));
    published_ = true;
    return {};
  }
  std::string name_;
  std::vector<std::string>& log_;
  std::string fail_at_, bytes_;
  bool published_ = false;
};
}  // namespace

TEST_CASE("output_group: a sink output is prepared with the others and published first") {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "old a");
  std::vector<std::string> log;
  {
    OutputGroup group;
    REQUIRE((*group.add(dir / "a.txt"))->write("new a").ok());
    OutputFile* remote =
        group.add(OutputFile::from_sink("s3://b/k", std::make_unique<FakeSink>("k", log)));
    CHECK(remote->remote());
    CHECK_FALSE(remote->streamed());
    CHECK(remote->fd() == -1);
    REQUIRE(remote->write("new k").ok());
    REQUIRE(group.commit_all().ok());
  }
  CHECK(log == std::vector<std::string>{"k prepare", "k publish new k", "k closed"});
  CHECK(test::read_text(dir / "a.txt") == "new a");
}

TEST_CASE("output_group: a failure before publish aborts every sink and keeps local files") {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "old a");
  std::vector<std::string> log;
  {
    OutputGroup group;
    REQUIRE((*group.add(dir / "a.txt"))->write("new a").ok());
    group.add(OutputFile::from_sink("s3://b/j", std::make_unique<FakeSink>("j", log)));
    OutputFile* k = group.add(
        OutputFile::from_sink("s3://b/k", std::make_unique<FakeSink>("k", log, "publish new k")));
    REQUIRE(k->write("new k").ok());
    auto st = group.commit_all();
    REQUIRE_FALSE(st.ok());
    // j went first and was published; k failed; a.txt was never renamed.
    CHECK(st.error().message.find("already replaced: s3://b/j") != std::string::npos);
    CHECK(st.error().message.find("left as they were: s3://b/k " + (dir / "a.txt")) !=
          std::string::npos);
  }
  CHECK(log == std::vector<std::string>{"j prepare", "k prepare", "j publish ", "k publish new k",
                                        "j closed", "k aborted"});
  CHECK(test::read_text(dir / "a.txt") == "old a");
  CHECK(temp_files(dir.path()) == 0);

  log.clear();
  {
    OutputGroup group;
    group.add(OutputFile::from_sink("s3://b/k", std::make_unique<FakeSink>("k", log)));
    REQUIRE((*group.add(dir / "a.txt"))->write("new a").ok());
  }  // dropped without commit_all
  CHECK(log == std::vector<std::string>{"k aborted"});
  CHECK(test::read_text(dir / "a.txt") == "old a");
  CHECK(temp_files(dir.path()) == 0);

  // s3:// given to OutputFile::open (an output that takes no sinks) is refused, nothing written.
  auto refused = OutputFile::open("s3://b/k");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kUsage);
}

TEST_CASE("temp_registry: remove_live_temps unlinks every live temp") {
  test::TempDir dir;
  auto a = AtomicFile::create(dir / "x");
  auto b = AtomicFile::create(dir / "y");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(live_temp_count() == 2);
  CHECK(temp_files(dir.path()) == 2);
  remove_live_temps();
  CHECK(temp_files(dir.path()) == 0);
  CHECK(live_temp_count() == 0);
}
