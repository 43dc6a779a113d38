// The tokenizer and text layouts (no LibTorch needed).
#include <catch2/catch.hpp>

#include "dataengine/model.hpp"

using namespace dataengine;

TEST_CASE("tokenizer splits words and punctuation and round trips", "[model]") {
    CHECK(Tokenizer::split_words("The answer is (B) large red-circle.") ==
          std::vector<std::string>{"The", "answer", "is", "(", "B", ")", "large", "red", "-", "circle", "."});
    Tokenizer t;
    t.add_words({"The answer is (B) red.", "How many shapes are there?"});
    const std::vector<int> ids = t.encode("The answer is (B) red.");
    CHECK(ids.size() == 8);
    CHECK(t.decode(ids) == "The answer is (B) red.");
    CHECK(t.encode("purple")[0] == Tokenizer::kUnk);
    CHECK(t.encode("How")[0] == t.encode("How many")[0]);  // stable ids
    const Tokenizer back = Tokenizer::from_json(t.to_json());
    CHECK(back == t);
    CHECK(back.encode("How many shapes are there?") == t.encode("How many shapes are there?"));
    CHECK_THROWS_WITH(Tokenizer::from_json(R"({"words": ["a"]})"), Catch::Contains("must start with <pad>"));
    CHECK_THROWS_AS(Tokenizer::from_json("not json"), Error);
}

TEST_CASE("prompts and answers follow the paper's QM-A / QM-AE layouts", "[model]") {
    Sample s;
    s.id         = "q";
    s.question   = "How many circles are there?";
    s.hint       = "Count carefully.";
    s.options    = {"1", "2", "3", "4"};
    s.answer     = 2;
    s.rationales = {"Three circles are drawn."};
    CHECK(question_prompt(s) == "Hint: Count carefully. Question: How many circles are there? Options: (A) 1 (B) 2 (C) 3 (D) 4");
    CHECK(answer_text(s, 2) == "The answer is (C) 3.");
    CHECK(answer_text(s, 2, true) == "The answer is (C) 3. Three circles are drawn.");
    CHECK_THROWS_AS(answer_text(s, 4), Error);
}
