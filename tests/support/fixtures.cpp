#include "fixtures.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

using namespace dataengine;

namespace fixtures {

TempDir::TempDir() {
    char name[] = "/tmp/dataengine-test-XXXXXX";
    if (!::mkdtemp(name)) throw Error(Status::Io, "mkdtemp failed");
    path_ = name;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string & name, const std::string & content) const {
    const std::string full = file(name);
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    write_file_atomic(full, content);
    return full;
}

Image picture(int width, int height, uint64_t seed) {
    Rng   rng(seed);
    Image image;
    image.width  = width;
    image.height = height;
    image.pixels.resize(size_t(width) * height * 3);
    const int x0 = int(rng.below(uint64_t(width / 2))), y0 = int(rng.below(uint64_t(height / 2)));
    const uint8_t fill[3] = {uint8_t(rng.below(256)), uint8_t(rng.below(256)), uint8_t(rng.below(256))};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            uint8_t * p = &image.pixels[(size_t(y) * width + x) * 3];
            const bool inside = x >= x0 && x < x0 + width / 3 && y >= y0 && y < y0 + height / 3;
            for (int c = 0; c < 3; ++c)
                p[c] = inside ? fill[c] : uint8_t((x * 255 / width + y * 128 / height + c * 40 + int(seed) * 17) % 256);
        }
    return image;
}

std::string png(int width, int height, uint64_t seed) { return encode_png(picture(width, height, seed)); }
std::string jpeg(int width, int height, uint64_t seed) { return encode_jpeg(picture(width, height, seed), 85); }

std::string mmbench_tsv(const std::vector<MMBenchRow> & rows, bool capital_l2) {
    std::string out = std::string("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\t") +
                      (capital_l2 ? "L2-category" : "l2-category") + "\timage\tsource\tsplit\n";
    for (const MMBenchRow & r : rows) {
        out += std::to_string(r.index) + "\t" + r.question + "\t" + (r.hint.empty() ? "nan" : r.hint);
        for (size_t k = 0; k < 4; ++k) out += "\t" + (k < r.options.size() ? r.options[k] : std::string());
        out += "\t" + (r.answer ? std::string(1, r.answer) : std::string()) + "\t" + r.category + "\t" + r.l2_category +
               "\t" + r.image + "\tfixture\tdev\n";
    }
    return out;
}

std::string mmbench_circular_fixture() {
    const std::string red  = base64_encode(png(24, 16, 1));
    const std::string blue = base64_encode(jpeg(20, 20, 2));
    const std::string gray = base64_encode(png(8, 8, 3));
    std::vector<MMBenchRow> rows = {
        {0, "Is the rectangle above the middle?", "", {"yes", "no"}, 'A', "spatial_relationship", "Fine-grained Perception (instance-level)", red},
        {1, "What is the main colour?", "Look at the big shape.", {"blue", "red", "green"}, 'B', "attribute_recognition", "Fine-grained Perception (instance-level)", blue},
        {2, "How many shapes are there?", "", {"1", "2", "3", "4"}, 'A', "object_counting", "Fine-grained Perception (cross-instance)", gray},
    };
    // Circular copies: the options rotate, the answer letter follows, images name row i.
    const size_t originals = rows.size();
    for (size_t i = 0; i < originals; ++i) {
        const MMBenchRow base = rows[i];  // a copy: push_back below may move rows
        const size_t       n    = base.options.size();
        for (size_t k = 1; k < n; ++k) {
            MMBenchRow copy = base;
            copy.index      = static_cast<long long>(k * 1000000 + i);
            for (size_t j = 0; j < n; ++j) copy.options[j] = base.options[(j + k) % n];
            copy.answer = char('A' + (size_t(base.answer - 'A') + n - k) % n);
            copy.image  = std::to_string(i);
            rows.push_back(copy);
        }
    }
    return mmbench_tsv(rows);
}

std::string aokvqa_json() {
    return R"([
 {"split": "val", "image_id": 461751, "question_id": "22jbM6gDxdaMaunuzgrsBB",
  "question": "What is in the motorcyclist's mouth?", "choices": ["toothpick", "food", "popsicle stick", "cigarette"],
  "correct_choice_idx": 3, "direct_answers": ["cigarette", "cigarette", "cigarette", "cigarette", "cigarette", "cigarette", "cigarette", "cigarette", "cigarette", "cigarette"],
  "difficult_direct_answer": false, "rationales": ["He's smoking while riding.", "The motorcyclist has a lit cigarette in his mouth.", "A cigarette is between his lips."]},
 {"split": "val", "image_id": 81922, "question_id": "2BxTfhbEpmyQmQJQCLjoEd",
  "question": "Which number birthday is probably being celebrated?", "choices": ["one", "ten", "nine", "thirty"],
  "correct_choice_idx": 3, "direct_answers": ["thirty", "30", "30", "thirty", "30", "30", "30", "30", "30", "30"],
  "difficult_direct_answer": true, "rationales": ["The cake says 30."]},
 {"split": "test", "image_id": 12345, "question_id": "testq0001",
  "question": "What season is it?", "choices": ["winter", "summer", "spring", "fall"],
  "difficult_direct_answer": false}
])";
}

std::string seed_bench_json() {
    return R"({"question_type": {"Scene Understanding": 1, "Instance Counting": 5},
 "questions": [
  {"answer": "A", "choice_a": "a beach", "choice_b": "a forest", "choice_c": "a city", "choice_d": "a desert",
   "data_id": "1454426_2591111986", "data_type": "image", "question": "Where is this?", "question_id": "101669", "question_type_id": 1},
  {"answer": "C", "choice_a": "indoors", "choice_b": "a farm", "choice_c": "a stadium", "choice_d": "a lake",
   "data_id": "1454427_0001.jpg", "data_type": "image", "question": "What place is shown?", "question_id": "101670", "question_type_id": 1},
  {"answer": "B", "choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "4",
   "data_id": "cc/2.jpg", "data_type": "image", "question": "How many dogs are there?", "question_id": 101671, "question_type_id": 5},
  {"answer": "D", "choice_a": "0", "choice_b": "5", "choice_c": "6", "choice_d": "7",
   "data_id": "cc/3.jpg", "data_type": "image", "question": "How many people?", "question_id": "101672", "question_type_id": 5}
 ]})";
}

std::string llava_json() {
    return R"([
 {"id": "gen-1", "image": "images/a.png", "conversations": [
   {"from": "human", "value": "<image>\nHint: Count carefully.\nHow many circles are there?\nOptions:\n(A) 1\n(B) 2\n(C) 3\n(D) 4"},
   {"from": "gpt", "value": "The answer is (C) 3. There are three circles: two red and one blue."}]},
 {"id": "gen-2", "image": "images/b.png", "conversations": [
   {"from": "human", "value": "<image>\nWhich shape is left of the square?\nOptions:\n(A) triangle\n(B) circle"},
   {"from": "gpt", "value": "The answer is (A) triangle."}]},
 {"id": 77, "image": "coco/train2017/000000033471.jpg", "conversations": [
   {"from": "human", "value": "What are the colors of the bus in the image?\n<image>"},
   {"from": "gpt", "value": "The bus in the image is white and red."},
   {"from": "human", "value": "What feature can be seen on the back of the bus?"},
   {"from": "gpt", "value": "The back of the bus features an advertisement."}]}
])";
}

std::string coco_captions_json() {
    return R"({"info": {}, "images": [
   {"id": 9, "file_name": "000000000009.jpg", "width": 640, "height": 480},
   {"id": 25, "file_name": "000000000025.jpg", "width": 640, "height": 426}],
 "annotations": [
   {"image_id": 9, "id": 1, "caption": "A plate of food with broccoli. "},
   {"image_id": 9, "id": 2, "caption": "Some fruit and vegetables in containers."},
   {"image_id": 25, "id": 3, "caption": "A giraffe eating from a tall tree."}]})";
}

std::string coco_instances_json() {
    return R"({"images": [
   {"id": 9, "file_name": "000000000009.jpg", "width": 640, "height": 480},
   {"id": 25, "file_name": "000000000025.jpg", "width": 640, "height": 426}],
 "categories": [{"id": 56, "name": "broccoli"}, {"id": 25, "name": "giraffe"}],
 "annotations": [
   {"image_id": 9, "id": 10, "category_id": 56, "bbox": [64.0, 48.0, 128.0, 96.0]},
   {"image_id": 25, "id": 11, "category_id": 25, "bbox": [385.53, 60.03, 214.97, 297.16]}]})";
}

Dataset benchmark(const std::vector<std::string> & types, int per_type, bool circular) {
    Dataset dataset;
    int     next = 0;
    for (const std::string & type : types)
        for (int q = 0; q < per_type; ++q) {
            const int copies = circular ? 4 : 1;
            const int group  = next++;
            for (int k = 0; k < copies; ++k) {
                Sample s;
                s.id       = std::to_string(k * 1000000 + group);
                s.question = type + " question " + std::to_string(q);
                s.options  = {"red", "green", "blue", "yellow"};
                std::rotate(s.options.begin(), s.options.begin() + k, s.options.end());
                s.answer = (q % 4 - k + 4) % 4;  // the same colour in every copy
                s.type   = type;
                s.parent_type = "perception";
                if (circular) {
                    s.circular_group = std::to_string(group);
                    s.rotation       = k;
                }
                dataset.add(std::move(s));
            }
        }
    return dataset;
}

}  // namespace fixtures
