/* Explorable figures for "Deep Learning, Step by Step" (dlbook.sphinx.explore).
 *
 * Each <div class="dlbook-explorable" data-figure="..."> holds the figure's
 * numbers as <script type="application/json">, computed at build time by
 * dlbook.explore. This script only looks values up and draws them as SVG:
 * no kernel, no network. Every control is a labelled native input, and a
 * polite live region reads the key numbers out.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 360;
  var serial = 0;

  function svg(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function html(tag, attrs, parent) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  /* A number as the page prints it: 4 significant digits, a true minus sign. */
  function fmt(value) {
    var text = Number(value.toPrecision(4)).toString();
    return text.replace("-", "\u2212");
  }

  /* A linear map from data to SVG coordinates. */
  function scale(lo, hi, out0, out1) {
    return function (v) {
      return out0 + ((v - lo) / (hi - lo)) * (out1 - out0);
    };
  }

  function points(xs, ys, sx, sy) {
    return xs.map(function (x, i) {
      return sx(x).toFixed(1) + "," + sy(ys[i]).toFixed(1);
    }).join(" ");
  }

  /* The frame shared by every figure: controls, an SVG of fixed aspect, a read-out. */
  function frame(root, title, height) {
    var live = root.querySelector(".dlbook-explorable-live");
    var id = "dlbook-explorable-" + (++serial);
    live.setAttribute("role", "group");
    live.setAttribute("aria-label", title);
    var controls = html("div", { class: "dlbook-explorable-controls" }, live);
    var drawing = svg("svg", {
      viewBox: "0 0 " + WIDTH + " " + height,
      class: "dlbook-explorable-svg",
      role: "img",
      "aria-labelledby": id + "-readout",
    }, live);
    var clip = svg("clipPath", { id: id + "-clip" }, svg("defs", {}, drawing));
    var readout = html("p", {
      id: id + "-readout",
      class: "dlbook-explorable-readout",
      "aria-live": "polite",
    }, live);
    return { id: id, controls: controls, svg: drawing, clip: clip, readout: readout };
  }

  function range(parts, name, label, min, max, step, value) {
    var id = parts.id + "-" + name;
    var wrap = html("div", { class: "dlbook-explorable-control" }, parts.controls);
    html("label", { for: id, text: label }, wrap);
    return html("input", {
      id: id, type: "range", min: String(min), max: String(max), step: String(step), value: String(value),
    }, wrap);
  }

  function select(parts, name, label, options) {
    var id = parts.id + "-" + name;
    var wrap = html("div", { class: "dlbook-explorable-control" }, parts.controls);
    html("label", { for: id, text: label }, wrap);
    var node = html("select", { id: id }, wrap);
    options.forEach(function (option, i) {
      html("option", { value: String(i), text: option }, node);
    });
    return node;
  }

  function axes(parts, box, xTicks, yTicks, sx, sy, labels) {
    var g = svg("g", { class: "dlbook-explorable-axes" }, parts.svg);
    xTicks.forEach(function (t) {
      svg("line", { x1: sx(t), x2: sx(t), y1: box.top, y2: box.bottom, class: "grid" }, g);
      svg("text", { x: sx(t), y: box.bottom + 14, "text-anchor": "middle" }, g).textContent = fmt(t);
    });
    yTicks.forEach(function (t) {
      svg("line", { x1: box.left, x2: box.right, y1: sy(t), y2: sy(t), class: "grid" }, g);
      svg("text", { x: box.left - 5, y: sy(t) + 4, "text-anchor": "end" }, g).textContent = fmt(t);
    });
    svg("text", { x: (box.left + box.right) / 2, y: box.bottom + 30, "text-anchor": "middle" }, g)
      .textContent = labels[0];
    var middle = (box.top + box.bottom) / 2;
    svg("text", { x: 10, y: middle, "text-anchor": "middle", transform: "rotate(-90 10 " + middle + ")" }, g)
      .textContent = labels[1];
    svg("rect", {
      x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top,
    }, parts.clip);
    return svg("g", { "clip-path": "url(#" + parts.id + "-clip)" }, parts.svg);
  }

  /* ---------------------------------------------------------------- */
  /* Gradient descent on x^2: one path per learning rate.             */

  function learningRate(root, data) {
    var parts = frame(root, "Gradient descent on f(x) = x\u00b2 with a learning rate you choose", 250);
    var lrs = data.lrs;
    var step = lrs[1] - lrs[0];
    var start = Math.max(0, lrs.indexOf(0.1));
    var slider = range(parts, "lr", "Learning rate \u03b7", lrs[0], lrs[lrs.length - 1], step.toPrecision(4), lrs[start]);
    var reach = 1.25 * Math.abs(data.x0);
    var box = { left: 50, right: 350, top: 8, bottom: 206 };
    var sx = scale(-reach, reach, box.left, box.right);
    var sy = scale(0, reach * reach, box.bottom, box.top);
    var top = Math.pow(10, Math.floor(Math.log10(reach * reach)));
    var plot = axes(parts, box, [-data.x0, 0, data.x0], [0, top * Math.floor(reach * reach / top)], sx, sy,
      ["x", "loss f(x) = x\u00b2"]);
    svg("polyline", { points: points(data.curve.x, data.curve.y, sx, sy), class: "curve" }, plot);
    var walk = svg("polyline", { class: "path" }, plot);
    var dots = svg("g", { class: "dots" }, plot);

    function draw() {
      var i = Math.round((parseFloat(slider.value) - lrs[0]) / step);
      i = Math.min(lrs.length - 1, Math.max(0, i));
      var path = data.paths[i];
      var losses = path.map(function (x) { return x * x; });
      walk.setAttribute("points", points(path, losses, sx, sy));
      dots.textContent = "";
      path.forEach(function (x, k) {
        svg("circle", { cx: sx(x), cy: sy(losses[k]), r: k === 0 ? 4 : 2.6, class: k === 0 ? "start" : "" }, dots);
      });
      var last = path[path.length - 1];
      var steps = data.steps_to_reach[i];
      var fate;
      if (steps !== null) {
        fate = "it comes within " + fmt(data.tolerance) + " of the minimum after " + steps + " steps.";
      } else if (Math.abs(last) > Math.abs(data.x0)) {
        fate = "it never arrives: each step overshoots further (diverges).";
      } else {
        fate = "it never arrives: it bounces between the walls for ever.";
      }
      parts.readout.textContent = "\u03b7 = " + fmt(lrs[i]) + ": each step multiplies x by " +
        fmt(path[1] / path[0]) + "; after " + data.num_steps + " steps x = " + fmt(last) +
        " and the loss is " + fmt(data.final_loss[i]) + "; " + fate;
      root.setAttribute("data-state", String(lrs[i]));
    }

    slider.addEventListener("input", draw);
    draw();
  }

  /* ---------------------------------------------------------------- */
  /* One neuron: f(w x + b), looked up in dlbook's activation tables. */

  function neuron(root, data) {
    var parts = frame(root, "One neuron's output f(w x + b) as you change its weight, bias and activation", 230);
    var names = Object.keys(data.tables);
    var choice = select(parts, "activation", "Activation f", names);
    var weight = range(parts, "w", "Weight w", -data.limit, data.limit, data.step, 1);
    var bias = range(parts, "b", "Bias b", -data.limit, data.limit, data.step, 0);
    var box = { left: 44, right: 350, top: 8, bottom: 190 };
    var sx = scale(-data.limit, data.limit, box.left, box.right);
    var sy = scale(-1.2, 2.2, box.bottom, box.top);
    var plot = axes(parts, box, [-data.limit, 0, data.limit], [-1, 0, 1, 2], sx, sy, ["input x", "output"]);
    var curve = svg("polyline", { class: "path" }, plot);
    var mark = svg("circle", { r: 4, class: "start" }, plot);

    function lookup(name, z) {
      return data.tables[name][Math.round((z - data.z_min) / data.z_step)];
    }

    function draw() {
      var name = names[parseInt(choice.value, 10)];
      var w = parseFloat(weight.value);
      var b = parseFloat(bias.value);
      var ys = data.x.map(function (x) { return lookup(name, w * x + b); });
      curve.setAttribute("points", points(data.x, ys, sx, sy));
      var text = name + "(w x + b) with w = " + fmt(w) + " and b = " + fmt(b) + ": ";
      var at0 = "; at x = 0 the output is " + fmt(lookup(name, b)) + ".";
      if (w === 0) {
        mark.setAttribute("visibility", "hidden");
        text += "with no weight the output ignores x";
      } else {
        var x = -b / w;
        var inside = Math.abs(x) <= data.limit;
        mark.setAttribute("visibility", inside ? "visible" : "hidden");
        mark.setAttribute("cx", sx(x));
        mark.setAttribute("cy", sy(lookup(name, 0)));
        text += (name === "relu" ? "the kink" : "the switch") + " (z = 0) sits at x = \u2212b/w = " + fmt(x) +
          (inside ? "" : ", outside the plot") + ", where the output is " + fmt(lookup(name, 0));
      }
      parts.readout.textContent = text + at0;
      root.setAttribute("data-state", [name, w, b].join(","));
    }

    [choice, weight, bias].forEach(function (control) {
      control.addEventListener("input", draw);
    });
    draw();
  }

  /* ---------------------------------------------------------------- */
  /* A kernel slid along a signal: window, dot product, output so far. */

  function convolution(root, data) {
    var parts = frame(root, "A kernel slid along a signal, one window at a time", 220);
    var kernels = data.kernels;
    var choice = select(parts, "kernel", "Kernel", kernels.map(function (k) { return k.name; }));
    var position = range(parts, "position", "Window position", 0, kernels[0].output.length - 1, 1, 0);
    var n = data.signal.length;
    var box = { left: 40, right: 350 };
    var sx = scale(-0.5, n - 0.5, box.left, box.right);
    var cell = sx(1) - sx(0);
    var g = svg("g", { class: "dlbook-explorable-axes" }, parts.svg);
    svg("text", { x: 4, y: 40 }, g).textContent = "input";
    svg("text", { x: 4, y: 178 }, g).textContent = "output";
    var windowBox = svg("rect", { y: 14, height: 124, rx: 4, class: "window" }, parts.svg);
    var inputs = data.signal.map(function (v, j) {
      svg("rect", { x: sx(j) - cell / 2 + 2, y: 22, width: cell - 4, height: 28, rx: 3, class: "cell" }, parts.svg);
      var t = svg("text", { x: sx(j), y: 41, "text-anchor": "middle", class: "value" }, parts.svg);
      t.textContent = fmt(v);
      svg("text", { x: sx(j), y: 64, "text-anchor": "middle", class: "index" }, parts.svg).textContent = "x" + j;
      return t;
    });
    var weights = svg("g", {}, parts.svg);
    var outputs = svg("g", {}, parts.svg);
    var kernelNow = -1;

    function drawKernel(k) {
      var kernel = kernels[k];
      position.max = String(kernel.output.length - 1);
      if (parseInt(position.value, 10) > kernel.output.length - 1) {
        position.value = position.max;
      }
      outputs.textContent = "";
      kernel.output.forEach(function (v, i) {
        var x = sx(i + (kernel.weights.length - 1) / 2);
        svg("rect", { x: x - cell / 2 + 2, y: 160, width: cell - 4, height: 28, rx: 3, class: "cell" }, outputs);
        svg("text", { x: x, y: 179, "text-anchor": "middle", class: "value", "data-index": i }, outputs);
        svg("text", { x: x, y: 202, "text-anchor": "middle", class: "index" }, outputs).textContent = "y" + i;
      });
      kernelNow = k;
    }

    function draw() {
      var k = parseInt(choice.value, 10);
      if (k !== kernelNow) {
        drawKernel(k);
      }
      var kernel = kernels[k];
      var i = parseInt(position.value, 10);
      var size = kernel.weights.length;
      windowBox.setAttribute("x", sx(i) - cell / 2);
      windowBox.setAttribute("width", cell * size);
      weights.textContent = "";
      var terms = [];
      kernel.weights.forEach(function (w, j) {
        var t = svg("text", { x: sx(i + j), y: 100, "text-anchor": "middle", class: "weight" }, weights);
        t.textContent = "\u00d7 " + fmt(w);
        terms.push(fmt(w) + " \u00b7 " + fmt(data.signal[i + j]));
      });
      svg("text", { x: sx(i + (size - 1) / 2), y: 128, "text-anchor": "middle", class: "weight" }, weights)
        .textContent = "sum \u2193";
      outputs.querySelectorAll("text.value").forEach(function (t) {
        var j = parseInt(t.getAttribute("data-index"), 10);
        t.textContent = j <= i ? fmt(kernel.output[j]) : "?";
        t.setAttribute("class", j === i ? "value current" : "value");
      });
      inputs.forEach(function (t, j) {
        t.setAttribute("class", j >= i && j < i + size ? "value current" : "value");
      });
      parts.readout.textContent = "Window " + i + " covers x" + i + " to x" + (i + size - 1) + ": y" + i +
        " = " + terms.join(" + ") + " = " + fmt(kernel.output[i]) + ".";
      root.setAttribute("data-state", [k, i].join(","));
    }

    choice.addEventListener("input", draw);
    position.addEventListener("input", draw);
    draw();
  }

  var RENDERERS = { "learning-rate": learningRate, neuron: neuron, convolution: convolution };

  function start() {
    document.querySelectorAll(".dlbook-explorable").forEach(function (root) {
      var render = RENDERERS[root.getAttribute("data-figure")];
      var source = root.querySelector("script.dlbook-explorable-data");
      if (!render || !source) {
        return;
      }
      render(root, JSON.parse(source.textContent));
      root.classList.add("dlbook-explorable-ready");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
