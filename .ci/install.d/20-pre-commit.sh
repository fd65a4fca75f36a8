# tests/pre_commit.rs runs the hooks of .pre-commit-hooks.yaml with the real
# pre-commit, as `python3 -m pre_commit`.
python3 -c 'import pre_commit' 2>/dev/null || python3 -m pip install --quiet pre-commit
