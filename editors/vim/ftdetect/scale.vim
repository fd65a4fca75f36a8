" scalec policy files: *.scale
autocmd BufNewFile,BufRead *.scale setfiletype scale
