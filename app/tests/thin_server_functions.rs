//! Server functions stay "actor, services, call": a form is read by its draft in
//! `shared` (`to_request`, the same code the page checks with), rules live in
//! the services. This test reads every server function in `src/api` and fails
//! when one parses strings itself or grows beyond a few lines.

use std::path::Path;

/// Most lines a server function's body may have.
const MOST_LINES: usize = 8;

/// What parsing a form by hand looks like.
const PARSING: [&str; 9] = [
    ".parse",
    "from_code",
    "FieldErrors",
    ".trim()",
    ".split(",
    "DomainError::",
    "invalid_field",
    "invalid_code",
    "text::required",
];

/// Session plumbing (cookies and where to go next), not forms: longer by nature.
const PLUMBING: [&str; 3] = ["login", "logout", "set_language"];

/// (name, body lines) of every server function in `source`.
fn server_functions(source: &str) -> Vec<(String, Vec<String>)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !lines[index].trim_start().starts_with("#[server(") {
            index += 1;
            continue;
        }
        let Some(start) = (index..lines.len()).find(|&i| lines[i].starts_with("pub async fn "))
        else {
            break;
        };
        let name = lines[start]
            .trim_start_matches("pub async fn ")
            .split('(')
            .next()
            .unwrap_or_default()
            .to_string();
        let open = (start..lines.len())
            .find(|&i| lines[i].ends_with('{'))
            .unwrap_or(start);
        let close = (open..lines.len())
            .find(|&i| lines[i] == "}")
            .unwrap_or(lines.len());
        let body = lines[open + 1..close]
            .iter()
            .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with("//"))
            .map(|line| line.to_string())
            .collect();
        found.push((name, body));
        index = close;
    }
    found
}

#[test]
fn server_functions_only_call_a_draft_and_a_service() {
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut checked = 0;
    let mut faults = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&api)
        .map(|dir| {
            dir.filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        for (name, body) in server_functions(&source) {
            checked += 1;
            if PLUMBING.contains(&name.as_str()) {
                continue;
            }
            if body.len() > MOST_LINES {
                faults.push(format!("{name}: {} lines", body.len()));
            }
            for line in &body {
                if let Some(token) = PARSING.iter().find(|token| line.contains(*token)) {
                    faults.push(format!(
                        "{name}: parses a form itself ({token}): {}",
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} server functions found in {}",
        api.display()
    );
    assert!(
        faults.is_empty(),
        "move the parsing into a draft in shared:\n{}",
        faults.join("\n")
    );
}

#[test]
fn the_reader_sees_a_function_that_parses() {
    let source = "#[server(prefix = \"/api\", endpoint = \"x\")]\npub async fn x(id: String) -> Result<(), AppError> {\n    let id: i64 = id.parse()?;\n    Ok(())\n}\n";
    let found = server_functions(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "x");
    assert!(found[0].1.iter().any(|line| line.contains(".parse")));
}
