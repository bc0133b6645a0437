// 2-2-2 network trained with plain backpropagation
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn main() {
    let inputs = [0.05, 0.10];
    let targets = [0.01, 0.99];
    let mut w_ih = [[0.15, 0.20], [0.25, 0.30]];
    let mut w_ho = [[0.40, 0.45], [0.50, 0.55]];
    let (b_h, b_o) = (0.35, 0.60);
    let lr = 0.5;
    let epochs = 10000;

    for epoch in 1..=epochs {
        let mut net_h = [0.0; 2];
        let mut h = [0.0; 2];
        for j in 0..2 {
            net_h[j] = w_ih[j][0] * inputs[0] + w_ih[j][1] * inputs[1] + b_h;
            h[j] = sigmoid(net_h[j]);
        }
        let mut net_o = [0.0; 2];
        let mut o = [0.0; 2];
        for k in 0..2 {
            net_o[k] = w_ho[k][0] * h[0] + w_ho[k][1] * h[1] + b_o;
            o[k] = sigmoid(net_o[k]);
        }

        let mut delta_o = [0.0; 2];
        for k in 0..2 {
            delta_o[k] = (o[k] - targets[k]) * o[k] * (1.0 - o[k]);
        }
        let mut delta_h = [0.0; 2];
        for j in 0..2 {
            let back = delta_o[0] * w_ho[0][j] + delta_o[1] * w_ho[1][j];
            delta_h[j] = back * net_h[j] * (1.0 - net_h[j]);
        }
        for k in 0..2 {
            for j in 0..2 {
                w_ho[k][j] -= lr * delta_o[k] * h[j];
            }
        }
        for j in 0..2 {
            for i in 0..2 {
                w_ih[j][i] -= lr * delta_h[j] * inputs[i];
            }
        }

        if epoch % 1000 == 0 {
            let h1 = sigmoid(w_ih[0][0] * inputs[0] + w_ih[0][1] * inputs[1] + b_h);
            let h2 = sigmoid(w_ih[1][0] * inputs[0] + w_ih[1][1] * inputs[1] + b_h);
            let o1 = sigmoid(w_ho[0][0] * h1 + w_ho[0][1] * h2 + b_o);
            let o2 = sigmoid(w_ho[1][0] * h1 + w_ho[1][1] * h2 + b_o);
            let loss = 0.5 * (targets[0] - o1).powi(2) + 0.5 * (targets[1] - o2).powi(2);
            println!("[{}/{}] loss: {:.9}", epoch, epochs, loss);
        }
    }
}
