# KorQA — the two commands a user needs:  make chat   and   make test
# Every target first installs the Debian packages that are missing, then builds.

SYSTEM_PACKAGES := libicu-dev libsqlite3-dev libopenblas-dev libreadline-dev pkg-config curl
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SWIFT_BUILD_FLAGS ?=

.PHONY: deps build release test chat install uninstall encoder bench-text bench-lstm bench-faq bench-reader bench-speed word-vectors cv-reader reader cv-distilled reader-distilled eval-faq clean fuzz fuzz-build

# Installs only what is missing, so a machine that has everything makes no apt call at all.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

release: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

test: deps
	swift test $(SWIFT_BUILD_FLAGS)

# The chatbot over the bundled FAQ (faq/); the first run builds its index.
chat: release
	.build/release/korqa chat

# Throughput of normalize/tokenize against the Python peer (see bench/README.md).
bench-text: release
	bash bench/text.sh

bench-lstm: release
	bash bench/lstm.sh

# FAQ retrieval accuracy and latency, KorQA beside rank_bm25 and scikit-learn TF-IDF.
bench-faq: release
	bash bench/faq.sh

# Issue #26's speed table in one run (BiLSTM, reader, CLI, cold starts; each beside its peer).
bench-speed: release
	bash bench/speed.sh

# Reader latency (500-syllable contexts, one core) and answers/s.
bench-reader: release
	bash bench/reader.sh

# Subword word vectors from Korean Wikipedia (minus the articles KorQuAD dev and TyDi use), for
# the reader's input. ~4 min on one core.
DATA ?= ../shared/data
WORD_VECTORS ?= runs/word-vectors.safetensors
word-vectors: release
	.build/release/korqa train word-vectors --corpus $(DATA)/mrc/kowiki \
	  --exclude-titles-of $(DATA)/korquad/KorQuAD_v1.0_dev.json --exclude-titles-of $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json \
	  --dimension 128 --epochs 5 --seed 1 --out $(WORD_VECTORS) $(if $(RESUME),--resume,)

$(WORD_VECTORS):
	$(MAKE) word-vectors

# resources/word-list.txt: the 50,000 most frequent words (ICU words, `korqa tokenize --unit
# word`) of the Korean Wikipedia shards, one per line, most frequent first — the candidates
# `korqa similar` and `korqa analogy` rank by word-vector cosine. ~2 min.
word-list: release
	cat $(DATA)/mrc/kowiki/*/wiki_* | grep -v '^<' | .build/release/korqa tokenize --unit word \
	  | tr ' ' '\n' | grep -v '^[[:punct:][:space:]]*$$' | LC_ALL=C sort | LC_ALL=C uniq -c | LC_ALL=C sort -k1,1nr -k2 \
	  | head -50000 | awk '{print $$2}' > resources/word-list.txt.tmp && mv resources/word-list.txt.tmp resources/word-list.txt

# The reader's 5-fold cross-validation on KorQuAD dev by article (+ TyDi train in every fold),
# after pre-training on synthetic questions from Korean Wikipedia, with the word vectors above.
# Each fold is trained the way the shipped reader is (`make reader`): on every article outside
# its test fold, all 8 epochs, the last kept (--no-holdout). 60–110 min on 2 cores.
# CV_SEED=2 CV_OUT=runs/cv-seed2 repeats it with another seed (another synthetic-question draw too).
CV_SEED ?= 1
CV_OUT ?= runs/cv
cv-reader: release $(WORD_VECTORS)
	.build/release/korqa train reader --train $(DATA)/korquad/KorQuAD_v1.0_dev.json \
	  --train $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json --pretrain-corpus $(DATA)/mrc/kowiki \
	  --pretrain-questions 100000 --pretrain-epochs 1 --pretrain-noise 0.8 --pretrain-wh-last 0.3 --folds 5 --fold-file resources/korquad-dev-folds.tsv \
	  --epochs 8 --no-holdout --average-decay 0.995 --seed $(CV_SEED) --word-vectors $(WORD_VECTORS) --out $(CV_OUT) $(if $(RESUME),--resume,)

# The bundled document collection (resources/wikipedia-ko, issue #24): the Korean Wikipedia
# articles other articles mention most, without KorQuAD dev / TyDi articles, ≤ 12 MiB.
wikipedia-slice:
	python3 tools/wikipedia_slice.py $(DATA)/mrc/kowiki resources/wikipedia-ko/articles.jsonl \
	  --exclude-titles-of $(DATA)/korquad/KorQuAD_v1.0_dev.json --exclude-titles-of $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json

# The reader of the open-domain evaluation (`korqa eval open-qa`, issue #24): the shipped method
# (pre-training on synthetic Wikipedia questions, then KorQuAD dev + TyDi) with fold 5's articles
# of resources/korquad-dev-folds.tsv left out, so it answers fold 5's 1,155 questions unseen.
# Uses the shipped reader's word vectors. ~35 min on 2 cores.
OPEN_QA_READER_OUT ?= runs/open-qa-reader
OPEN_QA_WORD_VECTORS ?= resources/reader-korquad/word-vectors.safetensors
open-qa-reader: release
	.build/release/korqa train reader --train $(DATA)/korquad/KorQuAD_v1.0_dev.json \
	  --train $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json --pretrain-corpus $(DATA)/mrc/kowiki \
	  --pretrain-questions 100000 --pretrain-epochs 1 --pretrain-noise 0.8 --pretrain-wh-last 0.3 --folds 5 --only-fold 5 --fold-file resources/korquad-dev-folds.tsv \
	  --epochs 8 --no-holdout --average-decay 0.995 --seed 1 --word-vectors $(OPEN_QA_WORD_VECTORS) --out $(OPEN_QA_READER_OUT) $(if $(RESUME),--resume,)

# One reader of the method on all of KorQuAD dev + TyDi train, from the cross-validation's
# pre-trained reader (which holds the word vectors): the teacher of the shipped reader (see
# reader-distilled below; shipped itself until 2026-11-30). Its ensemble partner and second teacher (resources/reader-korquad-2):
# make reader READER_SEED=2 CV_OUT=runs/cv-seed2 READER_OUT=runs/reader-seed2, after make cv-reader CV_SEED=2 CV_OUT=runs/cv-seed2.
READER_EPOCHS ?= 8
READER_SEED ?= 1
READER_OUT ?= runs/reader
reader: release
	.build/release/korqa train reader --train $(DATA)/korquad/KorQuAD_v1.0_dev.json \
	  --train $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json --init-from $(CV_OUT)/pretrain \
	  --no-holdout --epochs $(READER_EPOCHS) --average-decay 0.995 --seed $(READER_SEED) --out $(READER_OUT)

# The shared encoder's self-supervised pre-training (issue #21): a bidirectional syllable
# language model over Korean Wikipedia without the articles of KorQuAD dev and TyDi, 1% of the
# rest held out for perplexity. An epoch is 20,000 chunks (~4-5 min on one AMD EPYC core);
# 36 epochs (the shipped resources/encoder-kowiki) read the corpus ~1.75 times. RESUME=1 continues; ENCODER_THREADS=2 runs the two
# directions side by side.
ENCODER_OUT ?= runs/encoder
ENCODER_THREADS ?= 1
ENCODER_EPOCHS ?= 36
encoder: release
	.build/release/korqa train encoder --corpus $(DATA)/mrc/kowiki \
	  --exclude-titles-of $(DATA)/korquad/KorQuAD_v1.0_dev.json --exclude-titles-of $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json \
	  --hidden 192 --layers 2 --embed 128 --vocabulary-size 6000 --chunks-per-epoch 20000 --epochs $(ENCODER_EPOCHS) --seed 1 \
	  --threads $(ENCODER_THREADS) --out $(ENCODER_OUT) $(if $(RESUME),--resume,)

# The shipped sentence encoder (resources/sentence-encoder): the pre-trained encoder
# (ENCODER_OUT) fine-tuned contrastively on KorSTS train, Question_pair train and ParaKQC sets
# 1–800 (mean-max pooling, 10 epochs, learning rate 2e-3 — chosen on KorSTS dev); KorSTS dev
# picks the epoch. ~5 min on one core.
SENTENCE_OUT ?= runs/sentence-encoder
sentence-encoder: release
	.build/release/korqa train sentence-encoder --encoder $(ENCODER_OUT) \
	  --korsts $(DATA)/paraphrase/korsts/sts-train.tsv --question-pairs $(DATA)/paraphrase/question_pair/train.txt \
	  --parakqc $(DATA)/paraphrase/parakqc/paraKQC_v1.txt --dev $(DATA)/paraphrase/korsts/sts-dev.tsv \
	  --pooling mean-max --epochs 10 --learning-rate 2e-3 --seed 1 --threads 1 --out $(SENTENCE_OUT) $(if $(RESUME),--resume,)

# The shipped summarizers (issue #22), both from the pre-trained encoder (ENCODER_OUT):
# resources/summarizer-sae4k — utterance → what it asks for (sae4K; lines i % 10 == 9 are test,
# never trained on), ~20 min on one core; resources/summarizer-kowiki-lead — documents: a
# one-sentence gist, trained self-supervised on Korean Wikipedia lead generation (first sentence
# ← the sentences after it; KorQuAD dev / TyDi titles left out; 1% of articles held out).
SUMMARIZER_OUT ?= runs/summarizer-sae4k
summarizer-sae4k: release
	.build/release/korqa train summarizer --sae4k $(DATA)/summarization/sae4k/sae4k_v1.txt --encoder $(ENCODER_OUT) \
	  --epochs 15 --seed 1 --threads 1 --out $(SUMMARIZER_OUT) $(if $(RESUME),--resume,)

DOCUMENT_SUMMARIZER_OUT ?= runs/summarizer-kowiki-lead
summarizer-documents: release
	.build/release/korqa train summarizer --pretrain-corpus $(DATA)/mrc/kowiki --encoder $(ENCODER_OUT) \
	  --exclude-titles-of $(DATA)/korquad/KorQuAD_v1.0_dev.json --exclude-titles-of $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json \
	  --max-articles 12000 --max-source-length 300 --max-target-length 120 --validation-limit 200 \
	  --epochs 4 --seed 1 --threads 1 --out $(DOCUMENT_SUMMARIZER_OUT) $(if $(RESUME),--resume,)

# Distillation (born-again): readers of the method above, fine-tuned again from the same
# pre-trained reader, each training window's target half the gold span and half the two seeds'
# ensemble's probabilities. cv-distilled: fold N taught by runs/cv/fold-N + runs/cv-seed2/fold-N
# (after both cv-reader runs), ~80 min on 2 cores. reader-distilled: the shipped reader
# (resources/reader-korquad), taught by the two seeds' readers (after both reader runs), ~20 min.
DISTILL_TEACHERS ?= runs/cv runs/cv-seed2
DISTILLED_CV_OUT ?= runs/cv-distilled
cv-distilled: release
	.build/release/korqa train reader --train $(DATA)/korquad/KorQuAD_v1.0_dev.json \
	  --train $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json --init-from $(CV_OUT)/pretrain \
	  $(foreach t,$(DISTILL_TEACHERS),--teacher $(t)) --distill-gold-weight 0.5 --folds 5 --fold-file resources/korquad-dev-folds.tsv \
	  --epochs 8 --no-holdout --average-decay 0.995 --seed $(CV_SEED) --out $(DISTILLED_CV_OUT) $(if $(RESUME),--resume,)

READER_TEACHERS ?= runs/reader runs/reader-seed2
DISTILLED_READER_OUT ?= runs/reader-distilled
reader-distilled: release
	.build/release/korqa train reader --train $(DATA)/korquad/KorQuAD_v1.0_dev.json \
	  --train $(DATA)/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json --init-from $(CV_OUT)/pretrain \
	  $(foreach t,$(READER_TEACHERS),--teacher $(t)) --distill-gold-weight 0.5 \
	  --no-holdout --epochs $(READER_EPOCHS) --average-decay 0.995 --seed $(READER_SEED) --out $(DISTILLED_READER_OUT)

clean:
	swift package clean

# korqa into PREFIX/bin, the models (resources/) and FAQ files (faq/) into PREFIX/share/korqa,
# where korqa finds them from any folder, and shell completions (bash, zsh, fish) generated by
# korqa itself. DESTDIR stages a package. `make uninstall` removes the same files.
PREFIX ?= /usr/local
INSTALL_ROOT := $(DESTDIR)$(PREFIX)
install: release
	install -d $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/share/korqa $(INSTALL_ROOT)/share/bash-completion/completions \
	  $(INSTALL_ROOT)/share/zsh/site-functions $(INSTALL_ROOT)/share/fish/vendor_completions.d
	install -m 755 .build/release/korqa $(INSTALL_ROOT)/bin/korqa
	rm -rf $(INSTALL_ROOT)/share/korqa/resources $(INSTALL_ROOT)/share/korqa/faq
	cp -R resources faq $(INSTALL_ROOT)/share/korqa/
	.build/release/korqa --generate-completion-script bash > $(INSTALL_ROOT)/share/bash-completion/completions/korqa
	.build/release/korqa --generate-completion-script zsh > $(INSTALL_ROOT)/share/zsh/site-functions/_korqa
	.build/release/korqa --generate-completion-script fish > $(INSTALL_ROOT)/share/fish/vendor_completions.d/korqa.fish
	@echo "installed $(INSTALL_ROOT)/bin/korqa (models and FAQ in $(INSTALL_ROOT)/share/korqa); try: korqa chat"

uninstall:
	rm -f $(INSTALL_ROOT)/bin/korqa $(INSTALL_ROOT)/share/bash-completion/completions/korqa \
	  $(INSTALL_ROOT)/share/zsh/site-functions/_korqa $(INSTALL_ROOT)/share/fish/vendor_completions.d/korqa.fish
	rm -rf $(INSTALL_ROOT)/share/korqa

# libFuzzer over the parsers of untrusted input (normalizer + tokenizers, FAQ files, KorQuAD
# files, safetensors + model folders): each target FUZZ_SECONDS (600) from the seeds in
# fuzz/corpus/TARGET, growing its corpus in runs/fuzz/TARGET; a crash leaves its input in
# runs/fuzz/ and stops with the trace. FUZZ_TARGETS picks targets; two run side by side.
FUZZ_TARGETS ?= text faq squad safetensors
FUZZ_SECONDS ?= 600
FUZZ_BUILD := .build-fuzz/release/KorQAFuzz
fuzz-build: deps
	KORQA_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product KorQAFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz: fuzz-build
	@mkdir -p runs/fuzz
	@printf '%s\n' $(FUZZ_TARGETS) | xargs -P 2 -I{} sh -c 'mkdir -p runs/fuzz/{}; \
	  KORQA_FUZZ_TARGET={} $(FUZZ_BUILD) runs/fuzz/{} fuzz/corpus/{} -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=4096 -max_len=65536 -artifact_prefix=runs/fuzz/{}- -print_final_stats=1 > runs/fuzz/{}.log 2>&1 \
	  && echo "fuzz {}: clean ($$(grep -o "stat::number_of_executed_units: *[0-9]*" runs/fuzz/{}.log | grep -o "[0-9]*$$") inputs in $(FUZZ_SECONDS) s)" \
	  || { echo "fuzz {}: FAILED, see runs/fuzz/{}.log"; exit 1; }'
