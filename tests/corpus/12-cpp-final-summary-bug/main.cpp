#include <cmath>
#include <iomanip>
#include <iostream>
#include <vector>

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Net {
    std::vector<double> w{0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    double b1 = 0.35, b2 = 0.60;
    double h1, h2, o1, o2;

    double forward(double i1, double i2, double t1, double t2) {
        h1 = sigmoid(w[0] * i1 + w[1] * i2 + b1);
        h2 = sigmoid(w[2] * i1 + w[3] * i2 + b1);
        o1 = sigmoid(w[4] * h1 + w[5] * h2 + b2);
        o2 = sigmoid(w[6] * h1 + w[7] * h2 + b2);
        return 0.5 * (t1 - o1) * (t1 - o1) + 0.5 * (t2 - o2) * (t2 - o2);
    }

    void backward(double i1, double i2, double t1, double t2, double lr) {
        double d_o1 = (o1 - t1) * o1 * (1 - o1);
        double d_o2 = (o2 - t2) * o2 * (1 - o2);
        double d_h1 = (d_o1 * w[4] + d_o2 * w[6]) * h1 * (1 - h1);
        double d_h2 = d_o1 * w[5] * h2 * (1 - h2);
        std::vector<double> grad{d_h1 * i1, d_h1 * i2, d_h2 * i1, d_h2 * i2,
                                 d_o1 * h1, d_o1 * h2, d_o2 * h1, d_o2 * h2};
        for (int k = 0; k < 8; ++k) w[k] -= lr * grad[k];
    }
};

int main() {
    Net net;
    const int epochs = 10000;
    std::cout << std::fixed << std::setprecision(2);
    for (int epoch = 0; epoch < epochs; ++epoch) {
        double cost = net.forward(0.05, 0.10, 0.01, 0.99);
        if (epoch % 1000 == 0) std::cout << "Epoch " << epoch << " cost " << cost << "\n";
        net.backward(0.05, 0.10, 0.01, 0.99, 0.5);
    }
    std::cout << std::setprecision(12);
    std::cout << "Final error: " << net.forward(0.05, 0.10, 0.01, 0.99) << "\n\n";
    std::cout << "Final weights\n";
    for (int k = 0; k < 8; ++k) std::cout << "w" << k + 1 << "  " << net.w[k] << "\n";
    return 0;
}
