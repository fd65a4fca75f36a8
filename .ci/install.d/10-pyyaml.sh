# tests/yaml.rs reads the manifests back with PyYAML, a YAML 1.1 reader.
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml
