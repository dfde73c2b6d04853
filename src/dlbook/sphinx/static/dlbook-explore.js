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
  /* Gradient descent on an elongated bowl: one 2-D path per rate.    */

  function bowl(root, data) {
    var parts = frame(root, "Gradient descent on an elongated bowl with a learning rate you choose", 150);
    var lrs = data.lrs;
    var c = data.curvature;
    var step = lrs[1] - lrs[0];
    var slider = range(parts, "lr", "Learning rate \u03b7", lrs[0], lrs[lrs.length - 1], step.toPrecision(4), data.lr0);
    var reach = 1.125 * Math.abs(data.w0[0]);
    var reachY = 1.5 * Math.abs(data.w0[1]);
    var box = { left: 34, right: 350, top: 8 };
    var unit = (box.right - box.left) / (2 * reach);  /* one scale for both axes: the bowl keeps its shape */
    box.bottom = box.top + 2 * reachY * unit;
    var sx = scale(-reach, reach, box.left, box.right);
    var sy = scale(-reachY, reachY, box.bottom, box.top);
    var steep = "2/" + fmt(Math.max(c[0], c[1]));

    function clamp(v) {  /* a diverging walk leaves the plot: keep its far points finite for drawing */
      return Math.max(-100 * reach, Math.min(100 * reach, v));
    }

    var plot = axes(parts, box, [data.w0[0], 0, -data.w0[0]], [-data.w0[1], 0, data.w0[1]], sx, sy, ["w1", "w2"]);
    var top = (c[0] * data.w0[0] * data.w0[0] + c[1] * data.w0[1] * data.w0[1]) / 2;
    [top / 64, top / 16, top / 4, top].forEach(function (level) {  /* the outermost passes through the start */
      svg("ellipse", {
        cx: sx(0), cy: sy(0), rx: unit * Math.sqrt(2 * level / c[0]), ry: unit * Math.sqrt(2 * level / c[1]),
        class: "curve",
      }, plot);
    });
    var walk = svg("polyline", { class: "path" }, plot);
    var dots = svg("g", { class: "dots" }, plot);

    function draw() {
      var i = Math.round((parseFloat(slider.value) - lrs[0]) / step);
      i = Math.min(lrs.length - 1, Math.max(0, i));
      var path = data.paths[i];
      walk.setAttribute("points", path.map(function (w) {
        return sx(clamp(w[0])).toFixed(1) + "," + sy(clamp(w[1])).toFixed(1);
      }).join(" "));
      dots.textContent = "";
      path.forEach(function (w, k) {
        svg("circle", {
          cx: sx(clamp(w[0])), cy: sy(clamp(w[1])), r: k === 0 ? 4 : 2.2, class: k === 0 ? "start" : "",
        }, dots);
      });
      var steps = data.steps_to_reach[i];
      var fate;
      if (steps !== null) {
        fate = "the loss falls below " + fmt(data.tolerance) + " after " + steps + " steps.";
      } else if (lrs[i] > data.limit) {
        fate = "\u03b7 is above " + steep + " = " + fmt(data.limit) +
          ", so the walk across the valley grows every step (diverges).";
      } else if (lrs[i] === data.limit) {
        fate = "\u03b7 is exactly " + steep + ", so the walk bounces across the valley for ever.";
      } else {
        fate = "the loss is still above " + fmt(data.tolerance) + " after " + (path.length - 1) + " steps.";
      }
      parts.readout.textContent = "\u03b7 = " + fmt(lrs[i]) + ": each step multiplies w1 by " +
        fmt(data.factors[i][0]) + " and w2 by " + fmt(data.factors[i][1]) + "; after " +
        (path.length - 1) + " steps the loss is " + fmt(data.final_loss[i]) + "; " + fate;
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

  /* ---------------------------------------------------------------- */
  /* Backpropagation: the worked 3-2-1 network, forward then backward. */

  function backpropagation(root, data) {
    var parts = frame(root, "The forward and backward pass of the worked 3-2-1 network, one step at a time", 210);
    var steps = data.steps;
    var buttons = html("div", { class: "dlbook-explorable-control dlbook-explorable-buttons" }, parts.controls);
    var back = html("button", { type: "button", text: "\u2190 Back" }, buttons);
    var next = html("button", { type: "button", text: "Next \u2192" }, buttons);
    var slider = range(parts, "step", "Step", 1, steps.length, 1, 1);
    var places = {
      x1: [34, 40], x2: [34, 105], x3: [34, 170], h1: [150, 72], h2: [150, 138], out: [258, 105], loss: [330, 105],
    };
    var names = { x1: "x1", x2: "x2", x3: "x3", h1: "h1", h2: "h2", out: "\u0177", loss: "L" };
    var edges = {};
    var g = svg("g", { class: "dlbook-explorable-network" }, parts.svg);
    ["x1", "x2", "x3"].forEach(function (x) {
      ["h1", "h2"].forEach(function (h) {
        edges[x + "-" + h] = null;
      });
    });
    ["h1-out", "h2-out", "out-loss"].forEach(function (key) {
      edges[key] = null;
    });
    Object.keys(edges).forEach(function (key) {
      var ends = key.split("-");
      edges[key] = svg("line", {
        x1: places[ends[0]][0], y1: places[ends[0]][1], x2: places[ends[1]][0], y2: places[ends[1]][1], class: "edge",
      }, g);
    });
    var nodes = {};
    Object.keys(places).forEach(function (key) {
      var x = places[key][0];
      var y = places[key][1];
      var circle = svg("circle", { cx: x, cy: y, r: 15, class: "node" }, g);
      svg("text", { x: x, y: y + 4, "text-anchor": "middle", class: "name" }, g).textContent = names[key];
      var value = svg("text", { x: x, y: y + 29, "text-anchor": "middle", class: "value" }, g);
      var grad = svg("text", { x: x, y: y - 21, "text-anchor": "middle", class: "grad" }, g);
      nodes[key] = { circle: circle, value: value, grad: grad };
    });
    data.x.forEach(function (v, i) {
      nodes["x" + (i + 1)].value.textContent = fmt(v);
    });

    function valueOf(step, name) {
      var found = step.values.filter(function (pair) { return pair[0] === name; });
      return found[0][1];
    }

    function draw() {
      var k = parseInt(slider.value, 10) - 1;
      var step = steps[k];
      ["h1", "h2", "out", "loss"].forEach(function (key) {
        nodes[key].value.textContent = "";
        nodes[key].grad.textContent = "";
      });
      steps.slice(0, k + 1).forEach(function (done) {
        Object.keys(done.labels).forEach(function (key) {
          var name = done.labels[key];
          var text = fmt(valueOf(done, name));
          if (done.phase === "forward") {
            nodes[key].value.textContent = text;
          } else {
            nodes[key].grad.textContent = name + " = " + text;
          }
        });
      });
      Object.keys(nodes).forEach(function (key) {
        nodes[key].circle.setAttribute("class", key in step.labels ? "node current " + step.phase : "node");
      });
      Object.keys(edges).forEach(function (key) {
        edges[key].setAttribute("class", step.edges.indexOf(key) >= 0 ? "edge current " + step.phase : "edge");
      });
      back.setAttribute("aria-disabled", String(k === 0));
      next.setAttribute("aria-disabled", String(k === steps.length - 1));
      var numbers = step.values.map(function (pair) { return pair[0] + " = " + fmt(pair[1]); });
      parts.readout.textContent = "Step " + (k + 1) + " of " + steps.length + ", " + step.phase + " pass: " +
        step.formula + ". " + numbers.join(", ") + ".";
      root.setAttribute("data-state", String(k + 1));
    }

    function go(delta) {
      var k = Math.min(steps.length, Math.max(1, parseInt(slider.value, 10) + delta));
      slider.value = String(k);
      draw();
    }

    back.addEventListener("click", function () { go(-1); });
    next.addEventListener("click", function () { go(1); });
    slider.addEventListener("input", draw);
    draw();
  }

  /* ---------------------------------------------------------------- */
  /* Training recorded frame by frame: loss curves with a marker.     */

  /* Loss curves against the epoch on a log scale; returns a function that marks an epoch. */
  function lossPanel(parts, box, series, label) {
    var all = [];
    series.forEach(function (s) { all = all.concat(s.values); });
    var lo = Math.floor(Math.log10(Math.min.apply(null, all)));
    var hi = Math.ceil(Math.log10(Math.max.apply(null, all)));
    var n = series[0].values.length;
    var sx = scale(0, n, box.left, box.right);
    var sy = scale(lo, hi, box.bottom, box.top);
    var ticks = [];
    for (var t = lo; t <= hi; t++) {
      ticks.push(t);
    }
    var g = svg("g", { class: "dlbook-explorable-axes" }, parts.svg);
    ticks.forEach(function (t) {
      svg("line", { x1: box.left, x2: box.right, y1: sy(t), y2: sy(t), class: "grid" }, g);
      svg("text", { x: box.left - 4, y: sy(t) + 4, "text-anchor": "end" }, g).textContent = "1e" + fmt(t);
    });
    [0, n].forEach(function (e) {
      svg("text", { x: sx(e), y: box.bottom + 13, "text-anchor": "middle" }, g).textContent = fmt(e);
    });
    svg("text", { x: (box.left + box.right) / 2, y: box.bottom + 13, "text-anchor": "middle" }, g)
      .textContent = label;
    series.forEach(function (s, i) {
      var epochs = s.values.map(function (v, k) { return k + 1; });
      var logs = s.values.map(function (v) { return Math.log10(v); });
      svg("polyline", { points: points(epochs, logs, sx, sy), class: "path " + s.cls }, parts.svg);
      var key = i === 0 ? { x: box.left, anchor: "start" } : { x: box.right, anchor: "end" };
      svg("text", { x: key.x, y: box.top - 6, "text-anchor": key.anchor, class: "key " + s.cls }, parts.svg)
        .textContent = s.name;
    });
    var marker = svg("line", { y1: box.top, y2: box.bottom, class: "marker" }, parts.svg);
    return function (epoch) {
      marker.setAttribute("x1", sx(epoch));
      marker.setAttribute("x2", sx(epoch));
    };
  }

  function frameSlider(parts, data) {
    return range(parts, "epoch", "Epochs trained", 0, data.epochs.length - 1, 1, 0);
  }

  function training(root, data) {
    var parts = frame(root, "The XOR network's decision regions and training loss, epoch by epoch", 200);
    var slider = frameSlider(parts, data);
    var n = data.grid.length;
    var box = { left: 34, right: 184, top: 12, bottom: 162 };
    var step = data.grid[1] - data.grid[0];
    var sx = scale(data.grid[0] - step / 2, data.grid[n - 1] + step / 2, box.left, box.right);
    var sy = scale(data.grid[0] - step / 2, data.grid[n - 1] + step / 2, box.bottom, box.top);
    var cell = sx(step) - sx(0);
    var map = axes(parts, box, [0, 1], [0, 1], sx, sy, ["x1", "x2"]);
    map.setAttribute("shape-rendering", "crispEdges");
    var cells = [];
    data.grid.forEach(function (gy) {
      data.grid.forEach(function (gx) {
        cells.push(svg("rect", { x: sx(gx) - cell / 2, y: sy(gy) - cell / 2, width: cell + 0.3, height: cell + 0.3 }, map));
      });
    });
    data.X.forEach(function (p, i) {
      svg("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 5, class: data.y[i] > 0.5 ? "point c1" : "point c0" }, parts.svg);
    });
    var mark = lossPanel(parts, { left: 232, right: 352, top: 24, bottom: 162 },
      [{ values: data.train_loss, cls: "train", name: "training loss" }], "epoch");

    function draw() {
      var k = parseInt(slider.value, 10);
      var shot = data.frames[k];
      shot.p_grid.forEach(function (row, i) {
        row.forEach(function (p, j) {
          var rect = cells[i * n + j];
          rect.setAttribute("class", p >= 50 ? "cell1" : "cell0");
          rect.setAttribute("fill-opacity", (Math.abs(p - 50) / 50 * 0.75).toFixed(2));
        });
      });
      mark(data.epochs[k]);
      var total = data.epochs[data.epochs.length - 1];
      slider.setAttribute("aria-valuetext", data.epochs[k] + " epochs");
      parts.readout.textContent = "After " + data.epochs[k] + " of " + total + " epochs the training loss is " +
        fmt(shot.loss) + "; P(class 1) at (0, 0), (0, 1), (1, 0) and (1, 1): " +
        shot.p_points.map(fmt).join(", ") + ".";
      root.setAttribute("data-state", String(data.epochs[k]));
    }

    slider.addEventListener("input", draw);
    draw();
  }

  /* ---------------------------------------------------------------- */
  /* Overfitting: the fitted curve and both losses, epoch by epoch.   */

  function overfitting(root, data) {
    var parts = frame(root, "A too-big network fitting 20 noisy points, epoch by epoch", 300);
    var slider = frameSlider(parts, data);
    var box = { left: 34, right: 352, top: 20, bottom: 150 };
    var keys = [["training", "key train"], ["validation", "key val"], ["network's fit", "key"],
      ["sin x (dashed)", "key muted"]];
    keys.forEach(function (key, i) {
      svg("text", { x: box.left + i * (box.right - box.left) / 4, y: 11, class: key[1] }, parts.svg).textContent = key[0];
    });
    var sx = scale(0, 2 * Math.PI, box.left, box.right);
    var sy = scale(-2, 2, box.bottom, box.top);
    var plot = axes(parts, box, [0, 3, 6], [-1, 0, 1], sx, sy, ["", "y"]);
    data.val.x.forEach(function (x, i) {
      svg("circle", { cx: sx(x), cy: sy(data.val.y[i]), r: 2, class: "val" }, plot);
    });
    svg("polyline", { points: points(data.grid, data.sine, sx, sy), class: "curve true" }, plot);
    var fit = svg("polyline", { class: "path fit" }, plot);
    data.train.x.forEach(function (x, i) {
      svg("circle", { cx: sx(x), cy: sy(data.train.y[i]), r: 4, class: "train" }, plot);
    });
    var mark = lossPanel(parts, { left: 34, right: 352, top: 190, bottom: 282 }, [
      { values: data.train_loss, cls: "train", name: "training loss" },
      { values: data.val_loss, cls: "val", name: "validation loss" },
    ], "epoch");

    function draw() {
      var k = parseInt(slider.value, 10);
      var shot = data.frames[k];
      fit.setAttribute("points", points(data.grid, shot.curve, sx, sy));
      mark(data.epochs[k]);
      var total = data.epochs[data.epochs.length - 1];
      slider.setAttribute("aria-valuetext", data.epochs[k] + " epochs");
      parts.readout.textContent = "After " + data.epochs[k] + " of " + total + " epochs: training loss " +
        fmt(shot.train) + ", validation loss " + fmt(shot.val) + ".";
      root.setAttribute("data-state", String(data.epochs[k]));
    }

    slider.addEventListener("input", draw);
    draw();
  }

  var RENDERERS = {
    "learning-rate": learningRate,
    bowl: bowl,
    neuron: neuron,
    convolution: convolution,
    backpropagation: backpropagation,
    training: training,
    overfitting: overfitting,
  };

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
