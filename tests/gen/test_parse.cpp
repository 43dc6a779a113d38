// The reply parser on realistic variants of what LLMs write, and the validator's rejections.
#include <catch2/catch.hpp>

#include "dataengine/gen.hpp"

using namespace dataengine;

namespace {

struct Case {
    const char *             reply;
    std::string              question;
    std::vector<std::string> options;
    int                      answer;
    std::string              rationale;
};

const std::vector<std::string> kRGBY = {"red", "green", "blue", "yellow"};

}  // namespace

TEST_CASE("parse_reply reads the paper's layout and its common variations", "[gen]") {
    const std::vector<Case> cases = {
        // 1-5: the paper's layout, inline choices
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C): The circle is blue.",
         "What colour is the circle?", kRGBY, 2, "The circle is blue."},
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C) blue.",
         "What colour is the circle?", kRGBY, 2, ""},
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: (C)", "What colour is the circle?", kRGBY, 2, ""},
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: C", "What colour is the circle?", kRGBY, 2, ""},
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: C. blue", "What colour is the circle?", kRGBY, 2, ""},
        // 6-10: options one per line
        {"Question: What colour is the circle?\nOptions:\nA. red\nB. green\nC. blue\nD. yellow\nAnswer: The answer is (B) green.\nExplanation: It is green.",
         "What colour is the circle?", kRGBY, 1, "It is green."},
        {"Question: What colour is the circle?\nChoices:\nA) red\nB) green\nC) blue\nD) yellow\nAnswer: B", "What colour is the circle?", kRGBY, 1, ""},
        {"Question: What colour is the circle?\nChoices:\n(A) red\n(B) green\n(C) blue\n(D) yellow\nAnswer: The answer is (A).\nReason: The only circle is red.",
         "What colour is the circle?", kRGBY, 0, "The only circle is red."},
        {"Question: What colour is the circle?\nA. red\nB. green\nC. blue\nD. yellow\nAnswer: D", "What colour is the circle?", kRGBY, 3, ""},
        {"Question: What colour is the circle?\nChoices:\n- A: red\n- B: green\n- C: blue\n- D: yellow\nAnswer: The answer is D",
         "What colour is the circle?", kRGBY, 3, ""},
        // 11-15: markdown, case, spacing
        {"**Question:** What colour is the circle?\n**Choices:** (A) red (B) green (C) blue (D) yellow\n**Answer:** The answer is (C): blue it is.",
         "What colour is the circle?", kRGBY, 2, "it is."},
        {"question: What colour is the circle?\nchoices: (A) red (B) green (C) blue (D) yellow\nanswer: the answer is (D)", "What colour is the circle?", kRGBY, 3, ""},
        {"  Question:   What colour is the circle?  \n\nChoices: (A) red  (B) green  (C) blue  (D) yellow \n\n Answer:  (A)  ",
         "What colour is the circle?", kRGBY, 0, ""},
        {"Question: What colour is the circle? Choices: (A) red (B) green (C) blue (D) yellow Answer: The answer is (B): green.",
         "What colour is the circle?", kRGBY, 1, ""},
        {"Sure! Here is a question.\n\nQuestion: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (A): red.",
         "What colour is the circle?", kRGBY, 0, ""},
        // 16-20: rationale markers and placements
        {"Question: How many circles are there?\nChoices: (A) 1 (B) 2 (C) 3 (D) 4\nAnswer: The answer is (B)\nRationale: There are two circles.",
         "How many circles are there?", {"1", "2", "3", "4"}, 1, "There are two circles."},
        {"Question: How many circles are there?\nChoices: (A) 1 (B) 2 (C) 3 (D) 4\nAnswer: The answer is (B) 2. Explanation: Two circles.",
         "How many circles are there?", {"1", "2", "3", "4"}, 1, "Two circles."},
        {"Question: How many circles are there?\nChoices: (A) 1 (B) 2 (C) 3 (D) 4\nAnswer: The answer is (B): there are 2 of them.\nReasoning: counted.",
         "How many circles are there?", {"1", "2", "3", "4"}, 1, "there are 2 of them. counted."},
        {"Question: Where is the cross?\nChoices: (A) top left (B) top right (C) bottom left (D) bottom right\nAnswer: The answer is (D) bottom right.",
         "Where is the cross?", {"top left", "top right", "bottom left", "bottom right"}, 3, ""},
        {"Question: Where is the cross?\nChoices: (A) top left (B) top right (C) bottom left (D) bottom right\nAnswer: bottom left",
         "Where is the cross?", {"top left", "top right", "bottom left", "bottom right"}, 2, ""},
        // 21-25: two, three, five options; letters A-E
        {"Question: Is the square large?\nChoices: (A) yes (B) no\nAnswer: The answer is (A): it is large.", "Is the square large?", {"yes", "no"}, 0, "it is large."},
        {"Question: Which shape is red?\nChoices: (A) circle (B) square (C) triangle\nAnswer: The answer is (C)", "Which shape is red?", {"circle", "square", "triangle"}, 2, ""},
        {"Question: Which colour?\nChoices: (A) red (B) green (C) blue (D) yellow (E) purple\nAnswer: The answer is (E): purple.",
         "Which colour?", {"red", "green", "blue", "yellow", "purple"}, 4, ""},
        {"Question: Which character is written?\nChoices: (A) 7 (B) A (C) E (D) H\nAnswer: The answer is (B): the glyph is an A.",
         "Which character is written?", {"7", "A", "E", "H"}, 1, "the glyph is an A."},
        {"Q: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C).", "What colour is the circle?", kRGBY, 2, ""},
        // 26-30: JSON replies
        {R"J({"question": "What colour is the circle?", "options": ["red", "green", "blue", "yellow"], "answer": "C", "rationale": "blue"})J",
         "What colour is the circle?", kRGBY, 2, "blue"},
        {R"J({"question": "What colour is the circle?", "choices": ["red", "green", "blue", "yellow"], "answer": 1})J", "What colour is the circle?", kRGBY, 1, ""},
        {R"J({"question": "What colour is the circle?", "options": {"A": "red", "B": "green", "C": "blue", "D": "yellow"}, "answer": "(D)", "explanation": "it is yellow"})J",
         "What colour is the circle?", kRGBY, 3, "it is yellow"},
        {"```json\n{\"question\": \"What colour is the circle?\", \"options\": [\"red\", \"green\", \"blue\", \"yellow\"], \"answer\": \"green\"}\n```",
         "What colour is the circle?", kRGBY, 1, ""},
        {R"J({"question": "What colour is the circle?", "options": ["red", "green", "blue", "yellow"], "answer": "The answer is (A) red", "reason": "red"})J",
         "What colour is the circle?", kRGBY, 0, "red"},
        // 31-32: answers in words only
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: yellow.", "What colour is the circle?", kRGBY, 3, ""},
        {"Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (A) red.\nExplanation: The circle in the middle is red.",
         "What colour is the circle?", kRGBY, 0, "The circle in the middle is red."},
    };
    REQUIRE(cases.size() >= 30);
    for (size_t i = 0; i < cases.size(); ++i) {
        INFO("case " << i + 1 << ": " << cases[i].reply);
        const ParsedReply r = parse_reply(cases[i].reply);
        CHECK_FALSE(r.skipped);
        CHECK(r.question == cases[i].question);
        CHECK(r.options == cases[i].options);
        CHECK(r.answer == cases[i].answer);
        CHECK(r.rationale == cases[i].rationale);
    }
}

TEST_CASE("parse_reply: Skip and unusable layouts", "[gen]") {
    CHECK(parse_reply("Skip").skipped);
    CHECK(parse_reply("skip.").skipped);
    CHECK(parse_reply("  SKIP - the image has no text\n").skipped);
    CHECK_THROWS_AS(parse_reply("I cannot help with that."), Error);
    CHECK_THROWS_AS(parse_reply("Question: What colour?\nAnswer: (A)"), Error);  // no choices
    CHECK_THROWS_AS(parse_reply("Question: What colour?\nChoices: (A) red (B) green"), Error);  // no answer
    CHECK_THROWS_AS(parse_reply("{\"question\": \"x\"}"), Error);
    CHECK_THROWS_AS(parse_reply("{\"question\": \"x\", \"options\": [1, 2]}"), Error);
    CHECK_THROWS_AS(parse_reply("{\"question\": "), Error);
    const ParsedReply none = parse_reply("Question: What colour?\nChoices: (A) red (B) green\nAnswer: I am not sure.");
    CHECK(none.answer == -1);
}

TEST_CASE("validate_reply rejects what the paper's filters and ours catch", "[gen]") {
    PlannedQuery q;
    q.type     = "attribute";
    q.image_id = "pool-000001";
    GeneratorOptions options;
    options.require_rationale = true;
    auto reason = [&](const std::string & reply, const AnswerChecker & checker = {}) -> std::string {
        const Validation v = validate_reply(reply, q, options, checker);
        return v.rejection ? rejection_name(*v.rejection) : "accepted";
    };
    const std::string good = "Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C): it is blue.";
    CHECK(reason(good) == "accepted");
    CHECK(reason("Skip") == "skipped");
    CHECK(reason("nonsense") == "malformed");
    CHECK(reason("Question: \nChoices: (A) red (B) green\nAnswer: (A): r") == "empty_field");
    CHECK(reason("Question: What colour?\nChoices: (A) red (B) \nAnswer: (A): r") == "empty_field");
    CHECK(reason("Question: What colour?\nChoices: (A) red (B) green\nAnswer: unsure") == "empty_field");
    CHECK(reason("Question: What colour?\nChoices: (A) red\nAnswer: (A): r") == "too_few_options");
    CHECK(reason("Question: What colour?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (E): r") == "answer_not_in_options");
    CHECK(reason("Question: What colour?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (A) green.") == "answer_not_in_options");
    CHECK(reason("Question: What colour?\nChoices: (A) red (B) Red (C) blue (D) yellow\nAnswer: The answer is (C): r") == "duplicate_options");
    CHECK(reason("Question: What colour is the circle at [0.12, 0.5, 0.3, 0.71]?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: (C): r") ==
          "coordinates");
    CHECK(reason("Question: What colour is the object in the bounding box?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: (C): r") ==
          "coordinates");
    CHECK(reason("Question: What colour is it?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: (C): the box (0.1, 0.2) is blue") ==
          "coordinates");
    CHECK(reason("Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C).") ==
          "missing_rationale");
    const AnswerChecker says_a = [](const std::string &, const std::string &, const Sample &) { return 0; };
    const AnswerChecker says_other_type = [](const std::string &, const std::string &, const Sample &) { return -2; };
    const AnswerChecker cannot_tell = [](const std::string &, const std::string &, const Sample &) { return -1; };
    CHECK(reason(good, says_a) == "wrong_answer");
    CHECK(reason(good, says_other_type) == "type_mismatch");
    CHECK(reason(good, cannot_tell) == "accepted");
    // Numbers that are not coordinates are fine.
    CHECK(reason("Question: How many circles are there?\nChoices: (A) 1 (B) 2 (C) 3 (D) 4\nAnswer: (B): there are 2 of 4.5 shapes") == "accepted");
}

TEST_CASE("render_prompt fills the template and names unknown placeholders", "[gen]") {
    Sample ex;
    ex.question   = "What colour is the square?";
    ex.options    = {"red", "blue"};
    ex.answer     = 1;
    ex.rationales = {"The square is blue."};
    CHECK(format_example(ex) == "Question: What colour is the square?\nChoices: (A) red (B) blue\nAnswer: The answer is (B): The square is blue.");
    const PromptTemplate p = PromptTemplate::default_template();
    const std::string text = render_prompt(p, "attribute", "Colour or size of an object.", "A red square.\nsquare: [0.1, 0.1, 0.3, 0.3]", {&ex});
    CHECK(text.find("\"attribute\" questions: Colour or size of an object.") != std::string::npos);
    CHECK(text.find("square: [0.1, 0.1, 0.3, 0.3]") != std::string::npos);
    CHECK(text.find(format_example(ex)) != std::string::npos);
    CHECK(text.find("1. The question must be answerable") != std::string::npos);
    CHECK(text.find('{') == std::string::npos);
    PromptTemplate bad = p;
    bad.text += " {colour}";
    CHECK_THROWS_WITH(render_prompt(bad, "t", "d", "x", {}), Catch::Contains("{colour}"));
}
