// Answer extraction against the behaviour of VLMEvalKit's can_infer (exact matching).
#include <catch2/catch.hpp>

#include "dataengine/eval.hpp"

using namespace dataengine;

namespace {
const std::vector<std::string> kOptions = {"red apple", "green pear", "blue sky", "yellow sun"};

int option_of(const std::string & answer, const std::vector<std::string> & options = kOptions) {
    const Extracted e = extract_option(answer, options);
    return e.how == Extraction::Option ? e.option : (e.how == Extraction::Refused ? -2 : -1);
}
}  // namespace

TEST_CASE("a lone option letter near the end is the answer", "[eval][extract]") {
    CHECK(option_of("B") == 1);
    CHECK(option_of("(C)") == 2);
    CHECK(option_of("The answer is D.") == 3);
    CHECK(option_of("Answer: [A]") == 0);
    CHECK(option_of("**B**") == 1);
    CHECK(option_of("{C}") == 2);
    CHECK(option_of("answer:\nD") == 3);
}

TEST_CASE("a letter far from the end, or two letters, fall back to option text", "[eval][extract]") {
    // "B" is the 1st of 9 tokens: not within the last 4, and no option text matches.
    CHECK(option_of("B seems right but I am really not sure here") == -1);
    // Two letters: ambiguous as letters; the text "blue sky" decides.
    CHECK(option_of("A or C? I think it is the blue sky") == 2);
    // Letters are whole tokens only: "Because" does not contain the token B.
    CHECK(option_of("Because of the green pear") == 1);
    // Lower-case letters are not option letters.
    CHECK(option_of("b") == -1);
    // A letter outside the options does not count: E is not an option here.
    CHECK(option_of("E") == -1);
}

TEST_CASE("option text matching is case-insensitive and must be unique", "[eval][extract]") {
    CHECK(option_of("It is a Yellow Sun in the picture") == 3);
    CHECK(option_of("red apple and green pear") == -1);
    CHECK(option_of("nothing relevant") == -1);
}

TEST_CASE("refusals and Z are refusals; an API failure goes to text matching", "[eval][extract]") {
    CHECK(option_of("Cannot determine the answer from the image") == -2);
    CHECK(option_of("I'm sorry, but without the image provided I cannot say") == -2);
    CHECK(option_of("Z") == -2);
    CHECK(option_of("Failed to obtain answer via API. A") == -1);
    CHECK(option_of("Failed to obtain answer via API, but blue sky") == 2);
}

TEST_CASE("only the options that exist count as letters", "[eval][extract]") {
    const std::vector<std::string> two = {"yes", "no"};
    CHECK(option_of("C", two) == -1);
    CHECK(option_of("B", two) == 1);
    CHECK(option_of("no", two) == 1);
    CHECK(option_of("yes or no", two) == -1);
}
