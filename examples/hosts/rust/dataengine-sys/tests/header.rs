//! The hand-written declarations of `src/sys.rs` match the header: each is turned back into C
//! and looked up among the header's own declarations (capi/abi/declarations.txt, which the
//! project's abi.as_committed test keeps equal to capi/dataengine.h).
use dataengine_sys as sys;

fn declarations() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../capi/abi/declarations.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {}", path, e));
    text.lines().map(str::to_string).collect()
}

fn tokens(rust: &str) -> Vec<String> {
    let mut spaced = rust.replace("->", " RETURNS ");
    for c in ['*', '(', ')', ',', ':', '<', '>'] {
        spaced = spaced.replace(c, &format!(" {} ", c));
    }
    spaced.split_whitespace().map(|t| if t == "RETURNS" { "->".to_string() } else { t.to_string() }).collect()
}

fn name(rust: &str) -> &str {
    rust.trim_start_matches("r#")
}

/// A Rust type of sys.rs written as the header writes it.
fn c_type(rust: &str) -> String {
    let t = tokens(rust);
    c_type_of(&t)
}

fn c_type_of(t: &[String]) -> String {
    if t.is_empty() || t == ["(", ")"] {
        return "void".into();
    }
    if t[0] == "*" {
        let inner = c_type_of(&t[2..]);
        let inner_is_pointer = t[2] == "*";
        return match (t[1].as_str(), inner_is_pointer) {
            ("const", true) => format!("{} const *", inner),
            ("const", false) => format!("const {} *", inner),
            (_, true) => format!("{}*", inner),
            (_, false) => format!("{} *", inner),
        };
    }
    assert_eq!(t.len(), 1, "unexpected type {:?}", t);
    match t[0].as_str() {
        "usize" => "size_t",
        "i32" => "int32_t",
        "i64" => "int64_t",
        "u64" => "uint64_t",
        "u8" => "uint8_t",
        "f64" => "double",
        "f32" => "float",
        "c_int" => "int",
        "c_char" => "char",
        "c_void" => "void",
        other => other,
    }
    .to_string()
}

fn c_params(params: &[(&str, &str)]) -> String {
    if params.is_empty() {
        return "void".into();
    }
    params.iter().map(|(n, t)| format!("{} {}", c_type(t), name(n))).collect::<Vec<_>>().join(", ")
}

/// `Option<unsafe extern "C" fn(a: T, ...) -> R>` as the C member `R (*field)(T a, ...)`.
fn c_function_pointer(field: &str, rust: &str) -> Option<String> {
    let t = tokens(rust);
    let open = t.iter().position(|x| x == "fn")? + 1;
    let mut depth = 0;
    let mut close = open;
    for (i, x) in t.iter().enumerate().skip(open) {
        depth += (x == "(") as i32 - (x == ")") as i32;
        if depth == 0 {
            close = i;
            break;
        }
    }
    let mut params = Vec::new();
    for arg in t[open + 1..close].split(|x| x == ",").filter(|a| !a.is_empty()) {
        params.push(format!("{} {}", c_type_of(&arg[2..]), name(&arg[0])));
    }
    let ret = if t.get(close + 1).map(String::as_str) == Some("->") { c_type_of(&t[close + 2..t.len() - 1]) } else { "void".into() };
    Some(format!("{} (*{})({})", ret, name(field), if params.is_empty() { "void".into() } else { params.join(", ") }))
}

#[test]
fn functions_match_the_header() {
    let header = declarations();
    let mut missing = Vec::new();
    for (fname, ret, params) in sys::FUNCTIONS {
        let c = format!("DE_API {} {}({})", c_type(ret), fname, c_params(params));
        if !header.contains(&c) {
            missing.push(c);
        }
    }
    assert!(missing.is_empty(), "sys.rs declares what the header does not:\n{}", missing.join("\n"));
    assert!(sys::FUNCTIONS.len() >= 50);
}

#[test]
fn function_types_match_the_header() {
    let header = declarations();
    for (tname, ret, params) in sys::FN_TYPES {
        let c = format!("typedef {} (*{})({})", c_type(ret), tname, c_params(params));
        assert!(header.contains(&c), "not in the header: {}", c);
    }
}

#[test]
fn structs_match_the_header() {
    let header = declarations();
    for (sname, fields) in sys::STRUCTS {
        let members: Vec<String> = fields
            .iter()
            .map(|(f, t)| c_function_pointer(f, t).unwrap_or_else(|| format!("{} {}", c_type(t), name(f))))
            .collect();
        let c = format!("typedef struct {} {{ {} }} {}", sname, members.join(" "), sname);
        assert!(header.contains(&c), "not in the header:\n{}", c);
    }
}

#[test]
fn a_changed_declaration_is_caught() {
    // The check itself can fail: a parameter type changed in Rust no longer matches.
    let header = declarations();
    let wrong = format!("DE_API {} de_dataset_count({})", c_type("de_status"), c_params(&[("dataset", "*const de_dataset_t"), ("out", "*mut i32")]));
    assert!(!header.contains(&wrong));
}
