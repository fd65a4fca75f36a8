-- .scale files in Neovim (0.11 or newer) with the tree-sitter grammar in
-- editors/tree-sitter-scale. See editors/neovim/README.md.
--
--   dofile('/path/to/scalec/editors/neovim/scale.lua').setup({
--     grammar = '/path/to/scalec/editors/tree-sitter-scale',
--   })
--
-- Options:
--   grammar  the editors/tree-sitter-scale directory (required): the queries
--            are read from its queries/ directory.
--   parser   the compiled parser, e.g. ~/.local/share/nvim/site/parser/scale.so.
--            Leave it out when the parser is in a `parser/` directory on
--            'runtimepath' (where `tree-sitter build -o` or nvim-treesitter's
--            `:TSInstall scale` put it).

local M = {}

local function read(path)
  local file = assert(io.open(path, 'r'))
  local text = file:read('*a')
  file:close()
  return text
end

function M.setup(opts)
  opts = opts or {}
  local grammar = assert(opts.grammar, 'scale.lua: set `grammar` to the editors/tree-sitter-scale directory')

  vim.filetype.add({ extension = { scale = 'scale' } })

  if opts.parser then
    vim.treesitter.language.add('scale', { path = vim.fn.expand(opts.parser) })
  end

  -- The grammar's queries directory is not laid out as queries/scale/ on
  -- 'runtimepath', so the queries are set from the files.
  for _, name in ipairs({ 'highlights', 'indents', 'folds' }) do
    vim.treesitter.query.set('scale', name, read(grammar .. '/queries/' .. name .. '.scm'))
  end

  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('scale-tree-sitter', { clear = true }),
    pattern = 'scale',
    callback = function(args)
      vim.bo[args.buf].commentstring = '# %s'
      vim.treesitter.start(args.buf, 'scale')
    end,
  })
end

return M
