// include/dataengine/world.hpp: the embedded procedural visual world (DESIGN §5).
//
// Small rendered scenes of shapes (colours, two sizes, positions, some overlapping or touching)
// on one of several backgrounds, sometimes with a text glyph, each with its scene graph. From
// the graph come the text view an LLM gets (captions + boxes), questions of nine types with exact
// answers, and splits: an imbalanced seed training set, dev and test benchmarks (circular
// copies, disjoint scenes), an unlabeled image pool and a caption corpus for stage-1 training.
// Everything is deterministic for a seed.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataengine/core.hpp"
#include "dataengine/data.hpp"
#include "dataengine/image.hpp"

namespace dataengine {

enum class ShapeKind { Circle, Square, Triangle, Diamond, Cross };
enum class Colour { Red, Green, Blue, Yellow, Purple, Orange };
enum class SizeClass { Small, Large };
enum class Background { Dark, Light, Striped, Checkered, Gradient };

const std::vector<std::string> & shape_names();       // "circle", "square", ...
const std::vector<std::string> & colour_names();      // "red", "green", ...
const std::vector<std::string> & background_names();  // "plain dark", "plain light", ...

// Box corners in pixels, inclusive-exclusive: [x1, x2) x [y1, y2).
struct PixelBox {
    int x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

struct WorldObject {
    ShapeKind shape  = ShapeKind::Circle;
    Colour    colour = Colour::Red;
    SizeClass size   = SizeClass::Small;
    int       cx = 0, cy = 0, radius = 0;  // centre and half-extent, pixels

    std::string name() const;           // "small red circle"
    bool        covers(int x, int y) const;  // the shape's pixel mask
    PixelBox    box() const;
};

struct Glyph {
    char ch = '0';   // a digit or capital letter of the built-in font
    int  x = 0, y = 0;  // top-left, pixels
    int  scale = 3;  // each font pixel is scale x scale
    bool dark = false;  // drawn dark on light backgrounds, light on dark ones
    PixelBox box() const;
};

struct Scene {
    std::string              id;
    int                      size = 64;  // image side, pixels
    Background               background = Background::Dark;
    std::vector<WorldObject> objects;    // drawn in order (later ones on top)
    std::optional<Glyph>     glyph;
};

// Characters of the built-in bitmap font (5 x 7).
const std::string & glyph_alphabet();

Image render(const Scene & scene);

// The generator LLM's view of a scene: a few captions (varied templates; `variant` picks them)
// and one line per object and glyph, "name: [x1, y1, x2, y2]" normalised as COCO descriptions are.
std::vector<std::string> scene_captions(const Scene & scene, uint64_t variant);
std::vector<BoxObject>   scene_boxes(const Scene & scene);
std::string              describe_scene(const Scene & scene, uint64_t variant = 0);

// ---------------------------------------------------------------------------------------------
// Question types

struct QuestionType {
    std::string name;        // "counting"
    std::string definition;  // what the type asks, as the generator's prompt states it
};
// The nine types, mirroring SEED-Bench's image dimensions: scene, identity, attribute,
// location, counting, spatial relation, interaction, reasoning, text.
const std::vector<QuestionType> & question_types();
const QuestionType *              find_question_type(std::string_view name);

// A question of `type` about `scene` with four distinct options and the answer at a uniformly
// random position; nullopt when the scene cannot support the type (no glyph for "text", ...).
std::optional<Sample> make_question(const Scene & scene, std::string_view type, Rng & rng);

// Answers a question from the scene graph alone, by reading the question's text (independent of
// make_question: the tests, the simulated reviewer and the offline generator all rely on it).
// Returns the index of the right option, or -1 when the question is not one the world knows,
// has no right option, or has more than one.
int answer_from_scene(const Scene & scene, const Sample & question);
// Which of the nine types a question's text asks, by the world's phrasings; "" for any other text.
std::string world_question_type(std::string_view question);
// Whether a pool image's description (its boxes) can carry a question of `type`, as an LLM
// reading it would judge: "text" needs a text box, relations two objects, reasoning three.
// The content filter ABS uses for the world (PlanContext::image_fits).
bool world_image_supports(std::string_view type, const PoolImage & image);
// The pool scene an image id names ("pool-000042" -> 42); nullopt for any other id.
std::optional<uint64_t> pool_scene_index(std::string_view image_id);

// ---------------------------------------------------------------------------------------------
// The world and its splits

struct WorldOptions {
    uint64_t seed       = 0;
    int      image_size = 64;
    // Seed training questions per type: deliberately imbalanced, as real instruction data is.
    // Where each type sits follows its measured learning curve (`learnability`: 3x more of a
    // type's data over the control), so that the seed set leaves each type room to learn from
    // data: relations need more before more helps (interaction 450); counting and location sit at
    // 50, since with the prompt in the decoder's prefix 100 already taught most of what more data
    // adds; reasoning, composed of the other types' facts, reads 81-84 % from 50 or 100 alike.
    // The measurements: bench/RESULTS.md, "The world".
    std::map<std::string, int> seed_counts = {
        {"scene", 600}, {"counting", 50}, {"identity", 500}, {"attribute", 500}, {"interaction", 450},
        {"spatial relation", 200}, {"location", 50}, {"reasoning", 50}, {"text", 100}};
    int  dev_per_type  = 300;  // questions per type (before circular copies)
    int  test_per_type = 300;
    bool circular      = true;   // dev and test carry the 4 rotations of every question
    int  pool_images   = 5000;   // unlabeled images for ABS
    int  caption_images = 20000; // scenes for the stage-1 caption corpus

    bool operator==(const WorldOptions & o) const {
        return seed == o.seed && image_size == o.image_size && seed_counts == o.seed_counts && dev_per_type == o.dev_per_type &&
               test_per_type == o.test_per_type && circular == o.circular && pool_images == o.pool_images &&
               caption_images == o.caption_images;
    }
    bool operator!=(const WorldOptions & o) const { return !(*this == o); }
};

// Parses "counting=300,text=900" into overrides of seed_counts; throws Error(Invalid) naming the
// bad entry (unknown type, negative count).
void apply_seed_counts(WorldOptions & options, std::string_view spec);

// The version of the world generator, recorded in world.json: raised whenever the same options
// give other scenes, questions or captions, so a directory made by another version is refused
// rather than mixed with what this build makes (new questions, benchmarks and captions).
int world_generator_version();
// The options DIR/world.json records. Throws Error(NotFound) without one, Error(Format) naming
// the file when it is malformed or was made by another generator version.
WorldOptions read_world_options(const std::string & dir);

// Extra: questions beyond the seed set, for experiments that add data of one type (fresh scenes).
enum class Split { SeedTrain, Dev, Test, Pool, Captions, Extra };
const char * split_name(Split split);  // "seed_train", "dev", "test", "pool", "captions", "extra"

// Splits never share a scene: scene i of a split comes from its own seeded stream.
// Immutable once built; every method is const and safe from many threads.
class World {
public:
    explicit World(WorldOptions options);  // throws Error(Invalid) on bad options
    const WorldOptions & options() const { return options_; }

    Scene scene(Split split, uint64_t index) const;  // a random scene of the split
    // A scene on which `type` can be asked (e.g. with a glyph for "text").
    Scene scene_for(Split split, uint64_t index, std::string_view type) const;

    Dataset   questions(Split split) const;  // SeedTrain, Dev or Test; images "images/<scene>.png"
    ImagePool pool() const;                  // Pool: descriptions, no questions
    // Stage-1 pairs: (scene, caption). Long captions name every object; short single-fact ones
    // (background, count, glyph) are mixed in so that every fact gets gradient (DESIGN §5); one
    // more per scene says a fact in a question's order, the object first ("The large square is
    // red.", "The red circle and the cross touch."), and every fourth scene is built around a
    // pair that overlaps, touches, is close or apart.
    std::vector<std::pair<Scene, std::string>> captions() const;

    // `count` new questions of `type` on fresh scenes of the Extra split (scene indices from
    // `first_index`), their images rendered into dir/images; the dataset's image root is `dir`.
    Dataset extra_questions(std::string_view type, int count, uint64_t first_index, const std::string & dir) const;

    // Writes DIR/images/*.png, seed_train.jsonl, dev.jsonl + dev.tsv, test.jsonl + test.tsv,
    // pool.jsonl, captions.jsonl, scenes.jsonl (every scene graph) and world.json.
    void write(const std::string & dir, const ProgressCallback & progress = {}) const;

    // world.json's text: the generator version, these options, the types with their definitions
    // and the files write() makes.
    std::string settings_json() const;

    // Scene graphs as JSON (one object), and back; for scenes.jsonl and the reviewer.
    static std::string scene_to_json(const Scene & scene);
    static Scene       scene_from_json(std::string_view json);

private:
    WorldOptions options_;
};

}  // namespace dataengine
