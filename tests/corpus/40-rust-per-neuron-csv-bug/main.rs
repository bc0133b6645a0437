// a bias per neuron, biases learned like the weights; CSV log for a spreadsheet
struct Net {
    w: [f64; 8],
    b: [f64; 4],
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Net {
    fn forward(&self, x: &[f64; 2]) -> ([f64; 2], [f64; 2]) {
        let h1 = sigmoid(self.w[0] * x[0] + self.w[1] * x[1] + self.b[0]);
        let h2 = sigmoid(self.w[2] * x[0] + self.w[3] * x[1] + self.b[1]);
        let o1 = sigmoid(self.w[4] * h1 + self.w[5] * h2 + self.b[2]);
        let o2 = sigmoid(self.w[6] * h1 + self.w[7] * h2 + self.b[3]);
        ([h1, h2], [o1, o2])
    }

    fn error(&self, x: &[f64; 2], t: &[f64; 2]) -> f64 {
        let (_, o) = self.forward(x);
        0.5 * (t[0] - o[0]).powi(2) + 0.5 * (t[1] - o[1]).powi(2)
    }

    fn step(&mut self, x: &[f64; 2], t: &[f64; 2], lr: f64) {
        let (h, o) = self.forward(x);
        let d_o = [(o[0] - t[0]) * o[0] * (1.0 - o[0]), (o[1] - t[1]) * o[1] * (1.0 - o[1])];
        let d_h = [
            (d_o[0] * self.w[4] + d_o[1] * self.w[6]) * h[0] * (1.0 - h[0]),
            (d_o[0] * self.w[5] + d_o[1] * self.w[7]) * h[1] * (1.0 - h[1]),
        ];
        let g = [
            d_h[0] * x[0], d_h[0] * x[1], d_h[1] * x[0], d_h[1] * x[1],
            d_o[0] * h[0], d_o[0] * h[1], d_o[1] * h[0], d_o[1] * h[1],
        ];
        for k in 0..8 {
            self.w[k] -= lr * g[k];
        }
    }
}

fn main() {
    let x = [0.05, 0.10];
    let t = [0.01, 0.99];
    let mut net = Net { w: [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55], b: [0.35, 0.35, 0.60, 0.60] };
    println!("step,E,w5,b3");
    for step in 1..=1000 {
        net.step(&x, &t, 0.5);
        if step <= 10 || step % 50 == 0 {
            println!("{},{},{},{}", step, net.error(&x, &t), net.w[4], net.b[2]);
        }
    }
}
