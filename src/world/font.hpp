// Internal to src/world: the 5 x 7 bitmap font glyphs are drawn with.
#pragma once
#include <string>

namespace dataengine::font {
constexpr int kWidth  = 5;
constexpr int kHeight = 7;
std::string alphabet();                         // every character the font has
bool        pixel(char ch, int column, int row);  // is this font pixel on?
}  // namespace dataengine::font
