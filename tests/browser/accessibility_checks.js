// What axe leaves to a person, measured in the page: contrast where axe could not decide, the contrast of chart
// parts and severity badges (WCAG 1.4.11), severity in words, the figures beside each chart, the focus outline.
// Called as page.evaluate(source, {contrastTargets}); returns a list of problems, each one readable line.
(args) => {
  const problems = [];
  const parse = (value) => {
    const m = /rgba?\(([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:[ ,/]+([\d.]+%?))?\)/.exec(value || "");
    if (!m) return null;
    let alpha = m[4] === undefined ? 1 : parseFloat(m[4]);
    if (m[4] && m[4].endsWith("%")) alpha /= 100;
    return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), alpha];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = el.getAttribute("class") ? `.${el.getAttribute("class").trim().split(/\s+/).join(".")}` : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  // The colour an element's content is drawn on: its own and its ancestors' backgrounds over white; null when an
  // image or gradient lies behind it (then nobody can measure it from colours, and a person must look).
  const backdrop = (el, includeSelf = true) => {
    const layers = [];
    for (let node = includeSelf ? el : el.parentElement; node; node = node.parentElement) {
      if (!(node instanceof Element)) continue;
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) layers.push(colour);
      if (colour && colour[3] === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const large = (style) => {
    const px = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    return px >= 24 || (bold && px >= 18.66);
  };

  // 1. Text axe could not decide (its "incomplete" colour-contrast results): measured here.
  for (const selector of args.contrastTargets) {
    let el;
    try {
      el = document.querySelector(selector);
    } catch (e) {
      el = null;
    }
    if (!el) continue;
    const style = getComputedStyle(el);
    const background = backdrop(el);
    if (!background) {
      problems.push(`text over an image or gradient, contrast not measurable: ${describe(el)}`);
      continue;
    }
    const ink = parse(el instanceof SVGElement ? style.fill : style.color);
    if (!ink) continue;
    const found = ratio(over(ink, background), background);
    const needed = large(style) ? 3 : 4.5;
    if (found < needed) problems.push(`text contrast ${found.toFixed(2)}:1 < ${needed}:1: ${describe(el)}`);
  }

  // 2. Chart parts that carry meaning (bars, legend keys, sparkline strokes): 3:1 against what they are drawn on,
  // by their fill or by an outline drawn round them.
  for (const svg of document.querySelectorAll("svg")) {
    const background = backdrop(svg) || [255, 255, 255, 1];
    for (const shape of svg.querySelectorAll("rect, circle, path, polyline, polygon, line")) {
      const style = getComputedStyle(shape);
      const fill = style.fill && style.fill !== "none" ? parse(style.fill) : null;
      const strokeWidth = parseFloat(style.strokeWidth) || 0;
      const stroke = style.stroke && style.stroke !== "none" && strokeWidth > 0 ? parse(style.stroke) : null;
      const candidates = [fill, stroke].filter((c) => c && c[3] > 0);
      if (!candidates.length) continue;
      const best = Math.max(...candidates.map((c) => ratio(over(c, background), background)));
      if (best < 3) problems.push(`chart part contrast ${best.toFixed(2)}:1 < 3:1: ${describe(shape)} in ${describe(svg)}`);
    }
  }

  // 3. Severity badges: the severity in words (in the badge, or in its table column's heading: never colour alone),
  // and the badge told apart from the page by its colour or its border at 3:1.
  const severities = /\b(critical|high|medium|low)\b/i;
  const columnHeading = (cell) => {
    const table = cell.closest("table");
    const row = table && table.tHead ? table.tHead.rows[0] : null;
    return row && cell.cellIndex !== undefined && row.cells[cell.cellIndex] ? row.cells[cell.cellIndex].textContent : "";
  };
  for (const badge of document.querySelectorAll("[class*='sev-'], [data-severity]")) {
    const words = [badge.textContent, badge.getAttribute("aria-label"), badge.tagName === "TD" ? columnHeading(badge) : ""];
    if (!words.some((w) => severities.test(w || ""))) {
      problems.push(`severity shown by colour only (no word): ${describe(badge)}`);
    }
    const style = getComputedStyle(badge);
    const own = parse(style.backgroundColor);
    const around = backdrop(badge, false) || [255, 255, 255, 1];
    if (!own || own[3] === 0) continue;
    const fillRatio = ratio(over(own, around), around);
    const border = parseFloat(style.borderTopWidth) > 0 && style.borderTopStyle !== "none" ? parse(style.borderTopColor) : null;
    const borderRatio = border ? ratio(over(border, around), around) : 0;
    if (Math.max(fillRatio, borderRatio) < 3) {
      problems.push(`badge contrast ${Math.max(fillRatio, borderRatio).toFixed(2)}:1 < 3:1 with the page: ${describe(badge)}`);
    }
  }

  // 4. Every chart has its figures in text beside it: a table in the same figure, or the figures written in the
  // same table cell (a sparkline).
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    const holder = svg.closest("figure, td");
    const figures = holder ? holder.querySelector("table, .figures") : null;
    if (!(figures && /\d/.test(figures.textContent || ""))) {
      problems.push(`chart without its figures in text beside it: ${describe(svg)}`);
    }
  }

  // 5. A visible focus indicator on everything that takes the keyboard's focus.
  const focusable = "a[href], button, input:not([type=hidden]), textarea, select, summary, [tabindex]:not([tabindex='-1'])";
  const seen = new Set();
  for (const el of document.querySelectorAll(focusable)) {
    const key = `${el.tagName}.${el.getAttribute("class") || ""}.${el.getAttribute("type") || ""}`;
    if (seen.has(key)) continue; // one of each kind: they share their style
    seen.add(key);
    el.focus({ preventScroll: true });
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 ? parse(style.outlineColor) : null;
    const around = backdrop(el, false) || [255, 255, 255, 1];
    const outlineRatio = outline ? ratio(over(outline, around), around) : 0;
    if (outlineRatio < 3 && (!style.boxShadow || style.boxShadow === "none")) {
      problems.push(`focus not visible (outline ${style.outlineStyle} ${style.outlineWidth}, ${outlineRatio.toFixed(2)}:1): ${describe(el)}`);
    }
    el.blur();
  }
  return problems;
}
