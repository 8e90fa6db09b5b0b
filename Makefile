# Convenience wrappers around scripts/ (the README's two commands).
.PHONY: demo test build bench clean
demo:
	./scripts/demo.sh
test:
	./scripts/test.sh
build:
	./scripts/build.sh
bench:
	for b in tests/bench/*_bench.sh tests/bench/*_vs_python.sh; do bash "$$b" || exit 1; done
clean:
	rm -rf build build-asan demo-out
