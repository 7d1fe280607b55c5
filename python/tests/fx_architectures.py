"""Architectures the FX front end must capture (issue 14): torchvision's
resnet18, mobilenet_v2 and VisionTransformer (small configs built in code,
random weights, nothing downloaded), nn.TransformerEncoderLayer, LeNet-5, an
nn.Embedding text classifier and a BERT-style encoder.

The BERT-style encoder is written here with the structure of transformers'
BertModel (word + position + token-type embeddings with the position and
token-type ids as buffers, post-norm layers with separate query/key/value
projections, `x.size()[:-1] + (heads, head_dim)` views, GELU feed-forward, a
tanh pooler on [CLS]): transformers itself is not a dependency.
"""
import math
import sys
import types

import torch
from torch import nn
import torch.nn.functional as F


def torchvision():
    """torchvision's Python model code. Its compiled ops do not load with the
    CPU build of torch and registering their fake kernels at import fails;
    the models need none of them, so that registration is skipped."""
    sys.modules.setdefault("torchvision._meta_registrations",
                           types.ModuleType("torchvision._meta_registrations"))
    import torchvision as tv
    return tv


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.s2 = nn.MaxPool2d(2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.s4 = nn.AvgPool2d(2)
        self.f5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = self.s2(torch.tanh(self.c1(x)))
        x = self.s4(F.relu(self.c3(x)))
        x = torch.flatten(x, 1)
        return self.out(F.relu(self.f6(F.relu(self.f5(x)))))


class TextClassifier(nn.Module):
    """Token ids -> embedding -> mean over the sequence -> MLP."""

    def __init__(self, vocab=100, dim=16, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.hidden = nn.Linear(dim, 32)
        self.out = nn.Linear(32, classes)

    def forward(self, tokens):
        h = self.embedding(tokens).mean(dim=1)
        return self.out(F.relu(self.hidden(h)))


class BertEmbeddings(nn.Module):
    def __init__(self, vocab, hidden, max_positions, types):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(max_positions, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(max_positions).expand((1, -1)),
                             persistent=False)
        self.register_buffer("token_type_ids", torch.zeros((1, max_positions), dtype=torch.long),
                             persistent=False)

    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        token_type_ids = self.token_type_ids[:, :seq_length]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.num_attention_heads = heads
        self.attention_head_size = hidden // heads
        self.all_head_size = hidden
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        probs = self.dropout(F.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.all_head_size,))


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attention = BertSelfAttention(hidden, heads)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        a = self.attention_norm(self.dropout(self.attention_output(self.attention(x))) + x)
        h = F.gelu(self.intermediate(a))
        return self.output_norm(self.dropout(self.output(h)) + a)


class BertClassifier(nn.Module):
    def __init__(self, vocab=64, hidden=16, layers=2, heads=2, intermediate=32, max_positions=16,
                 classes=3):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab, hidden, max_positions, 2)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, intermediate) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, classes)

    def forward(self, input_ids):
        x = self.embeddings(input_ids)
        for layer in self.layers:
            x = layer(x)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.classifier(pooled)


def _with_batch_norm_statistics(model):
    """Random running statistics, so that folding them is tested."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 1.5)
    return model


def vit():
    model = torchvision().models.vision_transformer.VisionTransformer(
        image_size=16, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
        num_classes=10)
    # torchvision starts the head and the class token at zero: make them matter.
    nn.init.normal_(model.heads.head.weight, std=0.5)
    nn.init.normal_(model.class_token, std=0.5)
    return model


#: name -> () -> (model in eval mode, example input)
ARCHITECTURES = {
    "lenet5": lambda: (LeNet5(), torch.randn(2, 1, 28, 28)),
    "embedding_classifier": lambda: (TextClassifier(), torch.randint(0, 100, (3, 7))),
    "resnet18": lambda: (_with_batch_norm_statistics(torchvision().models.resnet18(num_classes=10)),
                         torch.randn(2, 3, 32, 32)),
    "mobilenet_v2": lambda: (_with_batch_norm_statistics(
        torchvision().models.mobilenet_v2(num_classes=10, width_mult=0.25)),
        torch.randn(2, 3, 32, 32)),
    "transformer_encoder_layer": lambda: (
        nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True),
        torch.randn(2, 5, 16)),
    "vit": lambda: (vit(), torch.randn(2, 3, 16, 16)),
    "bert": lambda: (BertClassifier(), torch.randint(0, 64, (2, 6))),
}


def architecture(name):
    torch.manual_seed(0)
    model, x = ARCHITECTURES[name]()
    return model.eval(), x
