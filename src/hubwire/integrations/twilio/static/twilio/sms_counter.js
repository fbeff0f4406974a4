// The SMS composer's live counter (issue 20): characters, encoding and segments as the person types,
// the characters that forced Unicode, and a button that replaces look-alikes. It follows
// integrations/twilio/segments.py step for step over the same table (static/twilio/gsm7.json, embedded
// in the page by {% sms_counter_table %}), so the page shows the count hubwire records and bills;
// tests/integrations/twilio/test_segments_browser.py holds the two to the same answers.
// Markup: <textarea id="..." data-sms-counter> and, for it, templates/twilio/_sms_counter.html.
// Written in ASCII (\u escapes for the few other characters) so that it reads the same whatever
// charset the file is served with.
(() => {
  if (window.hubwireSms) return;  // the include can arrive more than once (a tab swapped in again)

  const GSM7 = "GSM-7";
  const UCS2 = "UCS-2";
  const MARK = /^\p{M}$/u;
  const CONTROL = /^\p{Cc}$/u;
  const GROUPS_SHOWN = 8;  // distinct characters listed; a pasted page of emoji should not flood the form
  const POSITIONS_SHOWN = 5;
  let rules = null;

  const codePoint = (notation) => parseInt(notation.slice(2), 16);  // "U+201C" -> 0x201C
  const DOT = " \u00B7 ";  // the middle dot between the summary's parts
  const plural = (count, noun) => `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;

  function loadRules() {
    if (rules) return rules;
    const element = document.querySelector("script[data-sms-segment-table]");
    if (!element) return null;
    const table = JSON.parse(element.textContent);
    const joiners = table.joiners;
    rules = {
      table,
      basic: new Set(table.gsm7_basic),
      extension: new Set(table.gsm7_extension),
      zeroWidthJoiner: String.fromCodePoint(codePoint(joiners.zero_width_joiner)),
      regionalIndicators: joiners.regional_indicators.map(codePoint),
      extenders: joiners.extenders.map(([low, high]) => [codePoint(low), codePoint(high)]),
      lookalikes: new Map(table.lookalikes.map((entry) => [String.fromCodePoint(codePoint(entry.from)), entry])),
    };
    return rules;
  }

  const inGsm7 = (char) => rules.basic.has(char) || rules.extension.has(char);

  // The text cut into characters as a person sees them: each an array of code points (segments.py _characters).
  function characters(text) {
    const result = [];
    for (const char of text) {
      const last = result[result.length - 1];
      if (last && joins(last, char)) last.push(char);
      else result.push([char]);
    }
    return result;
  }

  function joins(character, next) {
    const last = character[character.length - 1];
    if (last === "\r") return next === "\n";
    if (CONTROL.test(last)) return false;  // nothing joins a line break or another control
    if (last === rules.zeroWidthJoiner) return true;
    if (next === rules.zeroWidthJoiner || MARK.test(next)) return true;
    const nextValue = next.codePointAt(0);
    if (rules.extenders.some(([low, high]) => low <= nextValue && nextValue <= high)) return true;
    const [low, high] = rules.regionalIndicators;
    const lastValue = last.codePointAt(0);
    return low <= nextValue && nextValue <= high && character.length === 1 && low <= lastValue && lastValue <= high;
  }

  // (segments, units per segment, units left): fill parts in order, never cutting an item of 2 units.
  function pack(unitSizes, sizes) {
    const total = unitSizes.reduce((sum, size) => sum + size, 0);
    if (total <= sizes.single) return [total ? 1 : 0, sizes.single, sizes.single - total];
    let count = 1;
    let used = 0;
    for (const size of unitSizes) {
      if (used + size > sizes.part) {
        count += 1;
        used = 0;
      }
      used += size;
    }
    return [count, sizes.part, sizes.part - used];
  }

  function segments(text) {
    loadRules();
    const chars = characters(text);
    const forcedBy = [];
    chars.forEach((character, position) => {
      if (character.some((char) => !inGsm7(char))) forcedBy.push({ position, character: character.join("") });
    });
    const encoding = forcedBy.length ? UCS2 : GSM7;
    // A code point's UTF-16 length is 2 outside the BMP, as segments.py _utf16_units counts.
    const unitSizes = [...text].map((char) => (encoding === GSM7 ? (rules.extension.has(char) ? 2 : 1) : char.length));
    const [count, perSegment, left] = pack(unitSizes, rules.table.segment_sizes[encoding]);
    return {
      characters: chars.length, encoding, units: unitSizes.reduce((sum, size) => sum + size, 0), segments: count,
      units_per_segment: perSegment, units_left: left, forced_by: forcedBy,
    };
  }

  function lookalikes(text) {
    loadRules();
    const replaced = [];
    const replacements = [];
    characters(text).forEach((character, position) => {
      for (const char of character) {
        const entry = rules.lookalikes.get(char);
        if (entry) replacements.push({ position, original: char, replacement: entry.to });
        replaced.push(entry ? entry.to : char);
      }
    });
    return { text: replaced.join(""), replacements };
  }

  // Over Twilio's body limit, in UTF-16 code units as segments.py too_long counts (a string's length here).
  const tooLong = (text) => text.length > loadRules().table.body_limit;

  // The counter's line, word for word as SegmentCount.summary in segments.py.
  const summary = (count) => plural(count.characters, "character") + DOT + loadRules().table.encoding_labels[count.encoding]
    + DOT + `${plural(count.segments, "segment")} (${count.units_per_segment} per segment)`;

  const hex = (char) => "U+" + char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");

  // One line per distinct character, in order of first appearance, with where it is (counted from 1).
  function forcedItem(character, positions) {
    const item = document.createElement("li");
    item.dataset.character = character;
    item.dataset.positions = positions.join(",");
    const glyph = document.createElement("code");
    glyph.textContent = character;
    const codes = [...character].filter((char) => !inGsm7(char));
    const names = codes.map((char) => rules.lookalikes.get(char)).filter(Boolean)
      .map((entry) => `${entry.name}, can be ${entry.to ? `\u201C${entry.to}\u201D` : "left out"}`);
    const where = positions.slice(0, POSITIONS_SHOWN).map((position) => position + 1).join(", ")
      + (positions.length > POSITIONS_SHOWN ? ", \u2026" : "");
    item.append(glyph, ` ${codes.map(hex).join(" ")}${names.length ? ` (${names.join("; ")})` : ""}`
      + ` at character${positions.length === 1 ? "" : "s"} ${where}`);
    return item;
  }

  function showForced(counter, count, text) {
    const box = counter.querySelector("[data-sms-forced]");
    box.hidden = count.forced_by.length === 0;
    const groups = new Map();
    for (const { position, character } of count.forced_by) {
      if (!groups.has(character)) groups.set(character, []);
      groups.get(character).push(position);
    }
    const items = [...groups].slice(0, GROUPS_SHOWN).map(([character, positions]) => forcedItem(character, positions));
    if (groups.size > GROUPS_SHOWN) {
      const more = document.createElement("li");
      more.textContent = `and ${plural(groups.size - GROUPS_SHOWN, "other character")}`;
      items.push(more);
    }
    box.querySelector("[data-sms-forced-list]").replaceChildren(...items);
    box.querySelector("[data-sms-replace]").hidden = lookalikes(text).replacements.length === 0;
  }

  function render(textarea) {
    const counter = document.querySelector(`[data-sms-counter-for="${CSS.escape(textarea.id)}"]`);
    if (!counter || !loadRules()) return;
    if (!textarea.hasAttribute("aria-describedby")) textarea.setAttribute("aria-describedby", counter.id);
    const text = textarea.value;
    const count = segments(text);
    Object.assign(counter.dataset, {
      characters: count.characters, encoding: count.encoding, units: count.units, segments: count.segments,
      unitsPerSegment: count.units_per_segment, unitsLeft: count.units_left, tooLong: tooLong(text),
    });
    counter.querySelector("[data-sms-summary]").textContent = summary(count);
    const left = counter.querySelector("[data-sms-left]");
    left.hidden = count.segments === 0;
    left.textContent = `${count.units_left.toLocaleString("en-US")} left in segment ${count.segments}`;
    showForced(counter, count, text);
    const over = counter.querySelector("[data-sms-too-long]");
    over.hidden = !tooLong(text);
    over.textContent = `Too long: Twilio takes at most ${rules.table.body_limit.toLocaleString("en-US")} characters`
      + ` (an emoji counts as 2 or more). Shorten it by ${(text.length - rules.table.body_limit).toLocaleString("en-US")}.`;
  }

  function renderWithin(root) {
    const textareas = root.matches && root.matches("textarea[data-sms-counter]")
      ? [root] : [...root.querySelectorAll("textarea[data-sms-counter]")];
    textareas.forEach(render);
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("textarea[data-sms-counter]")) render(event.target);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-sms-replace]");
    if (!button) return;
    const textarea = document.getElementById(button.closest("[data-sms-counter-for]").dataset.smsCounterFor);
    textarea.value = lookalikes(textarea.value).text;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));  // the counter, and anyone else listening
    textarea.focus();
  });

  document.addEventListener("htmx:load", (event) => renderWithin(event.detail.elt));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => renderWithin(document));
  else renderWithin(document);

  window.hubwireSms = { segments, lookalikes, tooLong, summary };
})();
