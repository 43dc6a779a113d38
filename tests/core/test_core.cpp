#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <numeric>

#include "dataengine/core.hpp"
#include "fixtures.hpp"

using namespace dataengine;

TEST_CASE("Rng is deterministic for a seed and differs across seeds", "[core]") {
    Rng a(42), b(42), c(43);
    std::vector<uint64_t> xs, ys, zs;
    for (int i = 0; i < 100; ++i) {
        xs.push_back(a.next());
        ys.push_back(b.next());
        zs.push_back(c.next());
    }
    CHECK(xs == ys);
    CHECK(xs != zs);
}

TEST_CASE("Rng::below is uniform enough and stays in range", "[core]") {
    Rng rng(7);
    std::vector<int> counts(6, 0);
    for (int i = 0; i < 60000; ++i) ++counts[rng.below(6)];
    // Each bucket expects 10000; 5 standard deviations is about 460.
    for (int c : counts) CHECK(std::abs(c - 10000) < 460);
    CHECK_THROWS_AS(rng.below(0), Error);
    double lo = 1, hi = 0;
    for (int i = 0; i < 10000; ++i) {
        const double u = rng.uniform();
        lo = std::min(lo, u);
        hi = std::max(hi, u);
    }
    CHECK(lo >= 0.0);
    CHECK(hi < 1.0);
}

TEST_CASE("stable_hash is FNV-1a", "[core]") {
    // Reference values of 64-bit FNV-1a.
    CHECK(stable_hash("") == 0xcbf29ce484222325ULL);
    CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(stable_hash("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("ThreadPool covers every index once and rethrows the first failure", "[core]") {
    ThreadPool pool(3);
    CHECK(pool.size() == 3);
    std::vector<std::atomic<int>> hits(1000);
    pool.parallel_for(hits.size(), 7, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) ++hits[i];
    });
    for (auto & h : hits) CHECK(h.load() == 1);

    CHECK_THROWS_WITH(pool.parallel_for(100, 1, [](size_t begin, size_t) {
                          if (begin == 50) throw Error(Status::Invalid, "chunk 50 failed");
                      }),
                      "chunk 50 failed");
    // The pool stays usable after a failure.
    std::atomic<size_t> total{0};
    pool.parallel_for(10, 3, [&](size_t begin, size_t end) { total += end - begin; });
    CHECK(total == 10);
}

TEST_CASE("ProgressReporter reports the last step and aborts when told", "[core]") {
    std::vector<int64_t> seen;
    ProgressReporter     reporter([&](const ProgressEvent & e) { seen.push_back(e.done); return true; }, "work", 10, 1000);
    for (int i = 1; i <= 10; ++i) reporter.update(i);
    REQUIRE(!seen.empty());
    CHECK(seen.front() == 1);
    CHECK(seen.back() == 10);
    CHECK(seen.size() == 2);  // first call, then the rate limit holds until the last step

    ProgressReporter stopper([](const ProgressEvent &) { return false; }, "work", 10);
    try {
        stopper.update(1);
        FAIL("no abort");
    } catch (const Error & e) {
        CHECK(e.status() == Status::Aborted);
    }
}

TEST_CASE("write_file_atomic replaces whole files and leaves nothing behind on failure", "[core]") {
    fixtures::TempDir dir;
    const std::string path = dir.file("out.txt");
    write_file_atomic(path, "first");
    write_file_atomic(path, "second version");
    CHECK(read_file(path) == "second version");

    SECTION("an AtomicFile dropped before commit keeps the old file and removes its temporary") {
        {
            AtomicFile file(path);
            file.write("half-writ");
        }
        CHECK(read_file(path) == "second version");
        size_t entries = 0;
        for (const auto & entry : std::filesystem::directory_iterator(dir.path())) {
            (void)entry;
            ++entries;
        }
        CHECK(entries == 1);
    }
    SECTION("writing into a missing directory is an i/o error naming the path") {
        try {
            write_file_atomic(dir.file("no/such/dir/x.txt"), "x");
            FAIL("no error");
        } catch (const Error & e) {
            CHECK(e.status() == Status::Io);
            CHECK_THAT(e.what(), Catch::Contains("no/such/dir/x.txt"));
        }
    }
    SECTION("reading a missing file names it") {
        CHECK_THROWS_WITH(read_file(dir.file("missing.jsonl")), Catch::Contains("missing.jsonl"));
    }
}

TEST_CASE("base64 matches RFC 4648 and rejects bad input", "[core]") {
    // RFC 4648 section 10 test vectors.
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto & [plain, encoded] : vectors) {
        CHECK(base64_encode(plain) == encoded);
        std::string decoded;
        CHECK(base64_decode(encoded, decoded));
        CHECK(decoded == plain);
    }
    std::string binary;
    for (int i = 0; i < 256; ++i) binary += char(i);
    std::string back;
    CHECK(base64_decode(base64_encode(binary), back));
    CHECK(back == binary);
    CHECK(base64_decode("Zm9v\nYmFy", back));  // line breaks are tolerated
    CHECK_FALSE(base64_decode("Zm9v!", back));
    CHECK_FALSE(base64_decode("Zm9vY", back));   // 6 stray bits
    CHECK_FALSE(base64_decode("Zg==Zg", back));  // data after padding
}

TEST_CASE("UTF-8 validation", "[core]") {
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xc3"));              // truncated
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("python_round_repr prints like Python's repr(round(x, 3))", "[core]") {
    // Values checked in CPython: repr(round(v, 3)).
    CHECK(python_round_repr(0.63, 3) == "0.63");
    CHECK(python_round_repr(1.0, 3) == "1.0");
    CHECK(python_round_repr(0.0, 3) == "0.0");
    CHECK(python_round_repr(0.125, 3) == "0.125");
    CHECK(python_round_repr(2.675, 2) == "2.67");      // 2.675 is 2.67499999... in binary
    CHECK(python_round_repr(0.1235, 3) == "0.123");    // likewise below the half
    CHECK(python_round_repr(385.53 / 640, 3) == "0.602");
    CHECK(python_round_repr(0.99951, 3) == "1.0");
}

TEST_CASE("JsonWriter writes compact valid JSON with escapes", "[core]") {
    JsonWriter w;
    w.begin_object().key("s").value("a\"b\\c\n\x01").key("n").value(int64_t(-3)).key("x").value(0.5);
    w.key("list").begin_array().value(true).null().value(1e300 * 1e300).end_array().end_object();
    CHECK(w.str() == R"({"s":"a\"b\\c\n\u0001","n":-3,"x":0.5,"list":[true,null,null]})");
}

TEST_CASE("status names are readable", "[core]") {
    CHECK(std::string(status_name(Status::Format)) == "format error");
    const Error e(Status::NotFound, "no such thing");
    CHECK(e.status() == Status::NotFound);
    CHECK(std::string(e.what()) == "no such thing");
}
